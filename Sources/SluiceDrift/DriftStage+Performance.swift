import SluiceCore
import SluiceStats

extension DriftStage {
    /// Records of the performance input: label and prediction per record, into the window of the record's
    /// event time; the per-record error feeds the streaming detector.
    func processPerformance(_ batch: [Record], into output: inout OperatorOutput) {
        guard let perf = config.performance else {
            for r in batch {
                output.deadLetter(r, RecordError(.internal, "drift operator '\(id)' has no performance input configured"))
            }
            return
        }
        for r in batch {
            let t = EventTime.of(r)
            let key: Int64
            switch config.window {
            case .count:
                key = nextCountWindow
            case .tumbling(let size):
                key = EventTime.windowStart(t, size: size)
                if key &+ size <= watermarkSeen {
                    counters.lateRecords += 1
                    output.late.append((r, "event time \(t) is in window [\(key), \(key &+ size)), closed at watermark \(watermarkSeen)"))
                    continue
                }
            }
            let pair: (prediction: Double, label: Double)
            switch Self.readPair(r.fields, perf) {
            case .success(let p): pair = p
            case .failure(let e):
                counters.invalidPerformanceRecords += 1
                output.deadLetter(r, e)
                continue
            }
            if !r.headers.isEmpty { noteModelVersion(r.headers) }
            if windows[key] == nil { windows[key] = newWindow(key) }
            // A window restored from a checkpoint taken before `performance` was configured has no accumulator yet.
            if windows[key]!.performance == nil { windows[key]!.performance = newPerformance(key, perf) }
            windows[key]!.see(time: t)
            let error = windows[key]!.performance!.add(prediction: pair.prediction, label: pair.label)
            dirty.insert(key)
            guard var d = detector else { continue }
            let signal = d.update(error)
            detector = d
            if signal != .none && (signal == .drift || lastDetectorSignal != .warning) {
                let alarm = DetectorAlarm(detector: d.name, metric: perf.isRegression ? "abs_error" : "error_rate",
                                          signal: signal, index: performanceIndex, at: t)
                windows[key]!.alarms.append(alarm)
                counters.detectorAlarms += signal == .drift ? 1 : 0
            }
            lastDetectorSignal = signal
            performanceIndex += 1
        }
    }

    /// Reads the label and prediction. Labels: numbers or booleans (classification: 0 or 1);
    /// classification predictions are probabilities in [0, 1].
    static func readPair(_ f: Fields, _ perf: DriftOperatorConfig.Performance) -> Result<(prediction: Double, label: Double), RecordError> {
        func number(_ name: String) -> Result<Double, RecordError> {
            switch f.value(atPath: name) {
            case nil, .null?: return .failure(RecordError(.missingField, field: name, "performance record has no '\(name)'"))
            case .bool(let b)?: return .success(b ? 1 : 0)
            case let v?:
                guard let d = v.asDouble, d.isFinite else {
                    return .failure(RecordError(.wrongType, field: name, "'\(name)' must be a finite number, got \(v.typeName)"))
                }
                return .success(d)
            }
        }
        let label: Double, prediction: Double
        switch number(perf.label) { case .success(let v): label = v; case .failure(let e): return .failure(e) }
        switch number(perf.prediction) { case .success(let v): prediction = v; case .failure(let e): return .failure(e) }
        if !perf.isRegression {
            guard label == 0 || label == 1 else {
                return .failure(RecordError(.outOfRange, field: perf.label, "classification label must be 0 or 1, got \(label)"))
            }
            guard (0...1).contains(prediction) else {
                return .failure(RecordError(.outOfRange, field: perf.prediction, "classification prediction must be a probability in [0, 1], got \(prediction)"))
            }
        }
        return .success((prediction, label))
    }
}
