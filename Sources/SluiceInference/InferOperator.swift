import SluiceCore
import SluiceModels

/// Scores records with a model (`type: infer`).
///
/// Per batch the operator reads the deployment snapshot **once**, so a version switch takes effect
/// between batches: no record is lost or scored twice, and each batch is scored by one deployment.
/// Rows are gathered into a reused row-major matrix (missing or null → NaN) and scored in one call per model
/// per `batchMax` rows. A non-numeric feature value sends the record to the dead letters
/// (`WRONG_TYPE` naming the field).
///
/// Outputs: the score / label / probability fields of `InferConfig.Output`, and headers
/// `sluice-model-name`, `sluice-model-version`, `sluice-model-sha256` of the version that scored the record.
/// Canary: keys (or `routingField` values) whose `CanaryRouter.point` is below the share go to the candidate.
/// Shadow: the main output carries the active score; a comparison record goes to the named output `shadow`.
public final class InferOperator: StreamOperator {
    public let id: String
    public let config: InferConfig
    /// The deployment the operator follows (shared with the registry for `version: "active"`).
    public let cell: DeploymentCell
    /// Records scored per model version (shadow scores count for the shadow version).
    /// Read it on the task's thread or between batches.
    public private(set) var scoredByVersion: [String: Int] = [:]
    /// Records sent to the dead letters.
    public private(set) var deadLettered = 0

    /// The named output carrying shadow comparisons.
    public static let shadowOutput = "shadow"

    // Buffers reused across batches: index 0 = active, 1 = candidate.
    private var inputs: [[Double]] = [[], []]
    var outputs: [[Double]] = [[], []]
    private var rowCounts = [0, 0]
    /// Per record of the current chunk: its group (0/1), or -1 for a dead letter.
    private var groupOf: [Int8] = []
    /// Per record of the current chunk: its row in the group's matrix.
    private var rowOf: [Int] = []
    var renderCache: [ObjectIdentifier: OutputRendering] = [:]

    /// Loads (or attaches to) the model and checks that `config.features` are exactly its features.
    ///
    /// - Throws: `InferenceError` `.featureMismatch` naming missing / extra features, `.invalidConfig`,
    ///   or the registry's load errors.
    public init(config: InferConfig) throws(InferenceError) {
        try config.validate()
        self.id = config.id
        self.config = config
        switch config.model {
        case .file(let path):
            let model = try RegisteredModel.load(file: path, featureNames: config.features)
            cell = DeploymentCell(ModelDeployment(name: model.name, active: model))
        case .registry(let registry, let name, let version):
            if version == "active" {
                cell = try registry.deployment(name)
            } else {
                cell = DeploymentCell(ModelDeployment(name: name, active: try registry.load(name, version: version)))
            }
        }
        let deployment = cell.current
        for model in [deployment.active] + (deployment.candidate.map { [$0] } ?? []) {
            if let message = FeatureCheck.mismatch(expected: config.features, actual: model.model.featureNames,
                                                   expectedLabel: "infer '\(id)' features",
                                                   actualLabel: "model \(model.name) \(model.version)",
                                                   orderMatters: false) {
                throw InferenceError(.featureMismatch, message, model: model.name, version: model.version,
                                     path: model.path)
            }
        }
        cell.require(features: config.features, by: id)
    }

    public func process(_ batch: [Record], from side: InputSide, context: OperatorContext,
                        into output: inout OperatorOutput) {
        let deployment = cell.current  // once per batch: a switch lands between batches
        var start = batch.startIndex
        while start < batch.endIndex {
            let end = min(start + config.batchMax, batch.endIndex)
            processChunk(batch[start..<end], deployment, into: &output)
            start = end
        }
    }

    private func processChunk(_ chunk: ArraySlice<Record>, _ deployment: ModelDeployment,
                              into output: inout OperatorOutput) {
        let active = deployment.active
        let candidate = deployment.candidate
        let n = chunk.count
        if groupOf.count < n {
            groupOf = [Int8](repeating: 0, count: n)
            rowOf = [Int](repeating: 0, count: n)
        }
        rowCounts[0] = 0
        rowCounts[1] = 0
        let share: Double? = if case .canary(let s) = deployment.strategy, candidate != nil { s } else { nil }
        // The candidate gets its own matrix for canary rows, or for shadow when its column order differs.
        let shadowOwnMatrix = deployment.strategy == .shadow && candidate != nil
            && candidate!.model.featureNames != active.model.featureNames
        for (i, record) in zip(0..<n, chunk) {
            var group = 0
            if let share, CanaryRouter.routesToCandidate(CanaryRouter.routingBytes(record, field: config.routingField),
                                                         share: share) {
                group = 1
            }
            let model = group == 0 ? active : candidate!
            if let error = fillRow(record, names: model.model.featureNames, group: group) {
                groupOf[i] = -1
                deadLettered += 1
                output.deadLetter(record, error)
                continue
            }
            if shadowOwnMatrix, let candidate {
                _ = fillRow(record, names: candidate.model.featureNames, group: 1)
            }
            groupOf[i] = Int8(group)
            rowOf[i] = rowCounts[group] - 1
        }
        let activeRows = rowCounts[0]
        score(active, group: 0, rows: activeRows)
        var shadowRows = 0
        if let candidate {
            switch deployment.strategy {
            case .canary: score(candidate, group: 1, rows: rowCounts[1])
            case .shadow:
                shadowRows = activeRows
                score(candidate, group: shadowOwnMatrix ? 1 : 0, rows: activeRows, outputGroup: 1)
            case .replace: break
            }
        }
        let renderings = [rendering(for: active), candidate.map { rendering(for: $0) }]
        for (i, record) in zip(0..<n, chunk) where groupOf[i] >= 0 {
            let group = Int(groupOf[i])
            var scored = record
            let score = write(into: &scored, renderings[group]!, outputs[group], row: rowOf[i])
            if shadowRows > 0, let candidate, let shadow = renderings[1] {
                output.emit(shadowRecord(record, scored: scored, active: active, activeScore: score, shadow: candidate,
                                         shadowRendering: shadow, row: rowOf[i]), to: Self.shadowOutput)
            }
            output.emit(scored)
        }
        if activeRows > 0 { scoredByVersion[active.version, default: 0] += activeRows }
        if let candidate {
            let rows = shadowRows > 0 ? shadowRows : rowCounts[1]
            if rows > 0 { scoredByVersion[candidate.version, default: 0] += rows }
        }
    }

    /// Appends one row to the group's matrix; returns the error if a feature value is not numeric
    /// (the row is then not counted and gets overwritten).
    private func fillRow(_ record: Record, names: [String], group: Int) -> RecordError? {
        let width = names.count
        let row = rowCounts[group]
        let needed = (row + 1) * width
        if inputs[group].count < needed {
            inputs[group].append(contentsOf: repeatElement(0, count: max(needed, config.batchMax * width) - inputs[group].count))
        }
        let error: RecordError? = inputs[group].withUnsafeMutableBufferPointer { buf in
            let base = row * width
            for j in 0..<width {
                switch record.fields[names[j]] {
                case .none, .null?: buf[base + j] = .nan
                case .int(let v)?: buf[base + j] = Double(v)
                case .double(let v)?: buf[base + j] = v
                case let other?:
                    return RecordError(.wrongType, field: names[j],
                                       "model feature must be a number or null, got \(other.typeName)")
                }
            }
            return nil
        }
        if error == nil { rowCounts[group] = row + 1 }
        return error
    }

    /// One model call for `rows` rows of input group `group`, into output buffer `outputGroup`.
    private func score(_ model: RegisteredModel, group: Int, rows: Int, outputGroup: Int? = nil) {
        guard rows > 0 else { return }
        let out = outputGroup ?? group
        let needed = rows * model.model.outputNames.count
        if outputs[out].count < needed {
            outputs[out] = [Double](repeating: 0, count: max(needed, config.batchMax * model.model.outputNames.count))
        }
        inputs[group].withUnsafeBufferPointer { inp in
            outputs[out].withUnsafeMutableBufferPointer { model.model.score(inp, rows: rows, into: $0) }
        }
    }
}
