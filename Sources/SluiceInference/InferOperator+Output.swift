import SluiceCore

/// Per-model values computed once and reused for every record it scores.
struct OutputRendering {
    let model: RegisteredModel
    let width: Int
    let headers: [Header]
    /// Field names of the class probabilities, in class order (empty when not requested).
    let probabilityFields: [String]
}

/// Header names carrying the model provenance of a scored record.
public enum ModelHeaders {
    public static let name = "sluice-model-name"
    public static let version = "sluice-model-version"
    public static let sha256 = "sluice-model-sha256"
}

extension InferOperator {
    func rendering(for model: RegisteredModel) -> OutputRendering {
        let key = ObjectIdentifier(model)
        if let cached = renderCache[key], cached.model === model { return cached }
        if renderCache.count >= 8 { renderCache.removeAll() }  // only a few versions are ever live at once
        var probabilityFields: [String] = []
        if let prefix = config.output.probabilitiesPrefix {
            let classes = model.outputPlan.binaryProbabilityColumn != nil ? 2 : model.outputPlan.probabilityColumns.count
            probabilityFields = (0..<classes).map { "\(prefix)\($0)" }
        }
        let rendering = OutputRendering(
            model: model, width: model.model.outputNames.count,
            headers: [Header(ModelHeaders.name, model.name), Header(ModelHeaders.version, model.version),
                      Header(ModelHeaders.sha256, model.sha256)],
            probabilityFields: probabilityFields)
        renderCache[key] = rendering
        return rendering
    }

    /// Writes the configured output fields and provenance headers; returns the score.
    @discardableResult
    func write(into record: inout Record, _ rendering: OutputRendering, _ buffer: [Double], row: Int) -> Double {
        let plan = rendering.model.outputPlan
        let out = config.output
        return buffer.withUnsafeBufferPointer { all in
            let values = UnsafeBufferPointer(rebasing: all[(row * rendering.width)..<((row + 1) * rendering.width)])
            let score = plan.score(values)
            record.fields[out.score] = Self.number(score)
            if let labelField = out.label, let label = label(score: score, values: values, plan: plan) {
                record.fields[labelField] = label
            }
            if !rendering.probabilityFields.isEmpty {
                if let p = plan.binaryProbabilityColumn {
                    record.fields[rendering.probabilityFields[0]] = Self.number(1 - values[p])
                    record.fields[rendering.probabilityFields[1]] = Self.number(values[p])
                } else {
                    for (k, column) in plan.probabilityColumns.enumerated() {
                        record.fields[rendering.probabilityFields[k]] = Self.number(values[column])
                    }
                }
            }
            record.headers.append(contentsOf: rendering.headers)
            return score
        }
    }

    /// `score >= threshold` when a threshold is configured, else the model's label output; `nil` when neither.
    private func label(score: Double, values: UnsafeBufferPointer<Double>, plan: OutputPlan) -> Value? {
        if let threshold = config.output.threshold {
            return score.isNaN ? .null : .int(score >= threshold ? 1 : 0)
        }
        guard let column = plan.labelColumn else { return nil }
        let v = values[column]
        return v.isFinite ? .int(Int64(v)) : .null
    }

    /// The record sent to the `shadow` output: routing key, both versions and both scores (and labels).
    func shadowRecord(_ record: Record, scored main: Record, active: RegisteredModel, activeScore: Double,
                      shadow: RegisteredModel, shadowRendering: OutputRendering, row: Int) -> Record {
        var scored = Record()
        let shadowScore = write(into: &scored, shadowRendering, outputs[1], row: row)
        let key = CanaryRouter.routingBytes(record, field: config.routingField)
        var fields = Fields()
        fields.reserveCapacity(8)
        fields.append("key", .string(String(decoding: key, as: UTF8.self)))
        fields.append("model", .string(active.name))
        fields.append("active_version", .string(active.version))
        fields.append("active_score", Self.number(activeScore))
        fields.append("shadow_version", .string(shadow.version))
        fields.append("shadow_score", Self.number(shadowScore))
        if let labelField = config.output.label {
            fields.append("active_label", main.fields[labelField] ?? .null)
            fields.append("shadow_label", scored.fields[labelField] ?? .null)
        }
        return Record(fields: fields, key: record.key, headers: shadowRendering.headers, timestamp: record.timestamp,
                      eventTime: record.eventTime, origin: record.origin)
    }

    /// NaN (a missing input propagated by the model) is written as null: JSON has no NaN.
    static func number(_ d: Double) -> Value { d.isNaN ? .null : .double(d) }
}
