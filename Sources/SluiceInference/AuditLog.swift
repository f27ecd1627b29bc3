import Foundation

/// One line of the registry's audit log (`<registry>/audit.log`, JSON lines, append-only).
///
/// `{"time":"2025-01-31T12:00:00.000Z","who":"alice","action":"activate","model":"fraud","from":"v6","to":"v7","result":"ok"}`
public struct AuditEntry: Sendable, Equatable, Codable {
    public var time: String
    /// The principal: a user or token name, `control-topic`, `drift`.
    public var who: String
    /// `register`, `activate`, `rollback`, `canary`, `shadow`, `promote`.
    public var action: String
    public var model: String
    /// The active version before the action (or the candidate, for actions on a candidate).
    public var from: String?
    /// The version the action switched to.
    public var to: String?
    /// `ok` or `error`.
    public var result: String
    /// The error message when `result` is `error`.
    public var error: String?
    /// Why (for example the drift report that triggered a rollback).
    public var reason: String?
    /// The strategy after the action (`replace`, `canary(0.1)`, `shadow`).
    public var strategy: String?
}

/// Appends `AuditEntry` lines to a file. Writes are serialized by the registry's operation lock.
final class AuditLog: Sendable {
    let path: String

    init(path: String) { self.path = path }

    func append(_ entry: AuditEntry) throws(InferenceError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            var line = try encoder.encode(entry)
            line.append(0x0A)
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        } catch {
            throw InferenceError(.io, "cannot append to the audit log: \(error.localizedDescription)", path: path)
        }
    }

    func read() throws(InferenceError) -> [AuditEntry] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let bytes = try RegisteredModel.readBytes(path)
        var entries: [AuditEntry] = []
        for line in bytes.split(separator: 0x0A) where !line.isEmpty {
            do {
                entries.append(try JSONDecoder().decode(AuditEntry.self, from: Data(line)))
            } catch {
                throw InferenceError(.io, "audit log line is not valid JSON: \(error)", path: path)
            }
        }
        return entries
    }

    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }
}
