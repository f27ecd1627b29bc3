import SluiceStats

/// Checkpoint encodings of the drift operator's windows (ByteWriter layout: magic, version, little-endian fields).
enum StateCodec {
    static let windowMagic = "DRWN"
    static let performanceMagic = "DRPW"

    static func encode(_ w: DriftWindow) -> [UInt8] {
        var e = ByteWriter(magic: windowMagic, version: 1)
        e.i64(w.key); e.i64(w.minTime); e.i64(w.maxTime); e.i64(Int64(w.rows))
        e.u64(UInt64(w.accumulators.count))
        for a in w.accumulators { AccumulatorCodec.encode(a, into: &e) }
        if let p = w.performance { e.u8(1); e.raw(encode(p)) } else { e.u8(0) }
        e.u64(UInt64(w.alarms.count))
        for a in w.alarms {
            e.raw(Array(a.detector.utf8)); e.raw(Array(a.metric.utf8)); e.raw(Array(a.signal.rawValue.utf8))
            e.i64(Int64(a.index))
            if let at = a.at { e.u8(1); e.i64(at) } else { e.u8(0) }
        }
        return e.bytes
    }

    static func decodeWindow(_ bytes: [UInt8], profile: ReferenceProfile, config: DriftOperatorConfig) throws(DriftError) -> DriftWindow {
        do {
            var d = try ByteReader(bytes, magic: windowMagic, supported: 1...1)
            let key = try d.i64(), minTime = try d.i64(), maxTime = try d.i64(), rows = Int(try d.i64())
            let n = try d.count(elementSize: 8)
            guard n == profile.features.count else {
                throw DriftError(.corruptState, "checkpointed window has \(n) features, the operator monitors \(profile.features.count)")
            }
            var accs: [WindowAccumulator] = []
            for f in profile.features {
                accs.append(try AccumulatorCodec.decode(from: &d, profile: f, maxNewCategories: config.maxNewCategories))
            }
            var perf: PerformanceWindow?
            if try d.u8() == 1 { perf = try decodePerformance(try d.raw()) }
            let na = try d.count(elementSize: 27)
            var alarms: [DetectorAlarm] = []
            for _ in 0..<na {
                let det = String(decoding: try d.raw(), as: UTF8.self), metric = String(decoding: try d.raw(), as: UTF8.self)
                guard let signal = DetectorSignal(rawValue: String(decoding: try d.raw(), as: UTF8.self)) else {
                    throw DriftError(.corruptState, "checkpointed alarm has an unknown signal")
                }
                let index = Int(try d.i64())
                let at: Int64? = try d.u8() == 1 ? try d.i64() : nil
                alarms.append(DetectorAlarm(detector: det, metric: metric, signal: signal, index: index, at: at))
            }
            try d.finish()
            return DriftWindow(key: key, minTime: minTime, maxTime: maxTime, rows: rows, accumulators: accs, performance: perf, alarms: alarms)
        } catch let e as DriftError {
            throw e
        } catch {
            throw DriftError(.corruptState, "checkpointed drift window is unreadable: \(error)")
        }
    }

    static func encode(_ p: PerformanceWindow) -> [UInt8] {
        var e = ByteWriter(magic: performanceMagic, version: 1)
        e.u8(p.isRegression ? 1 : 0); e.f64(p.threshold); e.i64(Int64(p.maxStoredPairs))
        for c in [p.n, p.tp, p.fp, p.tn, p.fn] { e.i64(Int64(c)) }
        for s in [p.logLossSum, p.brierSum, p.absErrorSum, p.squaredErrorSum] { e.f64(s) }
        e.u64(p.rng)
        e.f64s(p.scores); e.f64s(p.labels)
        return e.bytes
    }

    static func decodePerformance(_ bytes: [UInt8]) throws(StatsError) -> PerformanceWindow {
        var d = try ByteReader(bytes, magic: performanceMagic, supported: 1...1)
        let isRegression = try d.u8() == 1, threshold = try d.f64(), maxPairs = Int(try d.i64())
        var p = PerformanceWindow(isRegression: isRegression, threshold: threshold, maxStoredPairs: maxPairs, seed: 0)
        p.n = Int(try d.i64()); p.tp = Int(try d.i64()); p.fp = Int(try d.i64()); p.tn = Int(try d.i64()); p.fn = Int(try d.i64())
        p.logLossSum = try d.f64(); p.brierSum = try d.f64(); p.absErrorSum = try d.f64(); p.squaredErrorSum = try d.f64()
        p.rng = try d.u64()
        p.scores = try d.f64s(); p.labels = try d.f64s()
        try d.finish()
        guard p.scores.count == p.labels.count, p.scores.count <= max(maxPairs, 0) else {
            throw StatsError(.corruptEncoding, "checkpointed performance pairs are inconsistent")
        }
        return p
    }
}
