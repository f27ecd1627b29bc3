import Foundation
import SluiceModels

/// A directory of model versions with an active version per model, a rollback history,
/// canary / shadow rollouts and an audit log of every switch.
///
/// ```
/// <root>/<name>/<version>/model.json|model.txt|model.onnx
/// <root>/<name>/<version>/meta.yaml
/// <root>/<name>/state.json      {"active": "v7", "previous": ["v5", "v6"], "candidate": "v8", ...}
/// <root>/<name>/ACTIVE          v7
/// <root>/audit.log              one JSON line per action
/// ```
///
/// ```swift
/// let registry = ModelRegistry(root: "models")
/// try registry.activate("fraud", version: "v7", by: "alice")
/// let cell = try registry.deployment("fraud")      // what infer operators read per batch
/// try registry.rollback("fraud", by: "alice")
/// ```
///
/// Thread-safe. Actions are serialized (they load models from disk, which may take a while);
/// operators keep reading the previous snapshot until the new one is published.
public final class ModelRegistry: Sendable {
    public let root: String
    public let auditLogPath: String
    let audit: AuditLog
    let clock: @Sendable () -> Date
    /// Serializes actions; holds the generation counter.
    let operations = Locked<UInt64>(0)
    let cells = Locked<[String: DeploymentCell]>([:])

    /// - Parameters:
    ///   - auditLogPath: defaults to `<root>/audit.log`.
    ///   - clock: the time written to audit entries.
    public init(root: String, auditLogPath: String? = nil, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.root = root
        self.auditLogPath = auditLogPath ?? root + "/audit.log"
        self.audit = AuditLog(path: self.auditLogPath)
        self.clock = clock
    }

    /// The model names in the registry (directories under the root), sorted.
    public func modelNames() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return entries.filter { isDirectory(root + "/" + $0) }.sorted()
    }

    /// The versions of `name`, in natural order (`v2` before `v10`), read from their `meta.yaml`
    /// (checksums are verified only when a version is loaded).
    public func list(_ name: String) throws(InferenceError) -> [ModelMeta] {
        try Self.checkComponent(name, what: "model name")
        let dir = root + "/" + name
        guard isDirectory(dir) else { throw InferenceError(.notFound, "no model '\(name)' in the registry", path: root) }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        var metas: [ModelMeta] = []
        for entry in entries where isDirectory(dir + "/" + entry) {
            let metaPath = dir + "/" + entry + "/meta.yaml"
            guard FileManager.default.fileExists(atPath: metaPath) else { continue }
            let text = String(decoding: try RegisteredModel.readBytes(metaPath), as: UTF8.self)
            metas.append(try ModelMeta.parse(yaml: text, path: metaPath))
        }
        return metas.sorted { NaturalOrder.less($0.version, $1.version) }
    }

    /// Loads one version, verifying its SHA-256, format and feature list.
    public func load(_ name: String, version: String) throws(InferenceError) -> RegisteredModel {
        try Self.checkComponent(name, what: "model name")
        try Self.checkComponent(version, what: "version")
        let dir = root + "/" + name + "/" + version
        guard isDirectory(dir) else {
            throw InferenceError(.notFound, "no version '\(version)' of model '\(name)'; known: "
                                     + ((try? list(name).map(\.version)) ?? []).description,
                                 model: name, version: version, path: dir)
        }
        return try RegisteredModel.load(directory: dir, name: name, version: version)
    }

    /// The persisted state of `name` (active version, history, candidate), or `nil` before the first activation.
    public func state(of name: String) throws(InferenceError) -> RegistryState? {
        try Self.checkComponent(name, what: "model name")
        return try RegistryState.read(directory: root + "/" + name, model: name)
    }

    /// The live deployment of `name`, loaded on first use and updated by every action.
    /// `infer` operators read `cell.current` once per batch.
    ///
    /// - Throws: `noActiveVersion` if the model was never activated.
    public func deployment(_ name: String) throws(InferenceError) -> DeploymentCell {
        if let cell = cells.withLock({ $0[name] }) { return cell }
        return try operations.withLock { (generation: inout UInt64) throws(InferenceError) -> DeploymentCell in
            if let cell = cells.withLock({ $0[name] }) { return cell }
            guard let state = try state(of: name) else {
                throw InferenceError(.noActiveVersion,
                                     "model '\(name)' has no active version: activate one first (sluice model activate)",
                                     model: name, path: root + "/" + name)
            }
            let deployment = try makeDeployment(name: name, state: state, reuse: nil, generation: generation)
            let cell = DeploymentCell(deployment)
            cells.withLock { $0[name] = cell }
            return cell
        }
    }

    /// The audit log, oldest first.
    public func auditEntries() throws(InferenceError) -> [AuditEntry] { try audit.read() }

    /// Copies a model file into `<root>/<name>/<version>/`, computes its SHA-256 and writes `meta.yaml`.
    /// The model is loaded once to check it and to read its format and features.
    ///
    /// - Parameter features: required for ONNX files (which know only a tensor width); otherwise taken from the file.
    @discardableResult
    public func register(modelFile: String, name: String, version: String, features: [String]? = nil,
                         metrics: [String: Double] = [:], by principal: String) throws(InferenceError) -> ModelMeta {
        try Self.checkComponent(name, what: "model name")
        try Self.checkComponent(version, what: "version")
        return try operations.withLock { (_: inout UInt64) throws(InferenceError) -> ModelMeta in
            do throws(InferenceError) {
                let meta = try writeVersion(modelFile: modelFile, name: name, version: version, features: features,
                                            metrics: metrics)
                try record(AuditEntry(time: now(), who: principal, action: "register", model: name, from: nil,
                                      to: version, result: "ok"))
                return meta
            } catch {
                try? record(AuditEntry(time: now(), who: principal, action: "register", model: name, from: nil,
                                       to: version, result: "error", error: error.description))
                throw error
            }
        }
    }

    private func writeVersion(modelFile: String, name: String, version: String, features: [String]?,
                              metrics: [String: Double]) throws(InferenceError) -> ModelMeta {
        let ext = URL(fileURLWithPath: modelFile).pathExtension.lowercased()
        let fileName: String
        switch ext {
        case "json": fileName = "model.json"
        case "onnx": fileName = "model.onnx"
        case "txt", "model", "lgb", "lgbm": fileName = "model.txt"
        default:
            throw InferenceError(.invalidConfig, "cannot register '\(modelFile)': use a .json, .txt or .onnx file",
                                 model: name, version: version)
        }
        let dir = root + "/" + name + "/" + version
        guard !FileManager.default.fileExists(atPath: dir) else {
            throw InferenceError(.invalidConfig, "version '\(version)' of '\(name)' already exists: versions are immutable, "
                                     + "register a new version", model: name, version: version, path: dir)
        }
        let loaded = try RegisteredModel.load(file: modelFile, featureNames: features)
        let meta = ModelMeta(name: name, version: version, format: loaded.model.format.rawValue,
                             features: loaded.model.featureNames, metrics: metrics, createdAt: now(), sha256: loaded.sha256)
        let yaml = try meta.yaml()
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: modelFile, toPath: dir + "/" + fileName)
            try Data(yaml.utf8).write(to: URL(fileURLWithPath: dir + "/meta.yaml"), options: .atomic)
        } catch {
            throw InferenceError(.io, "cannot write version directory: \(error.localizedDescription)", model: name,
                                 version: version, path: dir)
        }
        return meta
    }

    func now() -> String { AuditLog.timestamp(clock()) }

    func record(_ entry: AuditEntry) throws(InferenceError) { try audit.append(entry) }

    private func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    /// Names and versions become path components: refuse anything that could leave the registry.
    static func checkComponent(_ s: String, what: String) throws(InferenceError) {
        if s.isEmpty || s == "." || s == ".." || s.contains("/") || s.contains("\\") || s.contains("\0") {
            throw InferenceError(.invalidConfig, "\(what) '\(s)' is not a valid directory name")
        }
    }
}

/// Orders version names so that embedded numbers compare numerically (`v2` < `v10`).
enum NaturalOrder {
    static func less(_ a: String, _ b: String) -> Bool {
        var i = a.unicodeScalars.makeIterator(), j = b.unicodeScalars.makeIterator()
        var x = i.next(), y = j.next()
        while let cx = x, let cy = y {
            if cx.properties.numericType != nil, cy.properties.numericType != nil,
               let dx = Int(String(cx)), let dy = Int(String(cy)) {
                var nx = dx, ny = dy
                x = i.next(); y = j.next()
                while let c = x, let d = Int(String(c)) { nx = nx &* 10 &+ d; x = i.next() }
                while let c = y, let d = Int(String(c)) { ny = ny &* 10 &+ d; y = j.next() }
                if nx != ny { return nx < ny }
                continue
            }
            if cx != cy { return cx < cy }
            x = i.next(); y = j.next()
        }
        return x == nil && y != nil
    }
}
