import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of the audit log.
public struct AuditEntry: Codable, Sendable, Hashable {
    /// ISO 8601 time with milliseconds, UTC.
    public var time: String
    /// The token's name, or `anonymous` when no valid token was presented.
    public var principal: String
    /// The token's role, absent for `anonymous`.
    public var role: Role?
    public var method: String
    public var path: String
    /// The HTTP status answered.
    public var status: Int
    /// What was done or why it failed (never request bodies or tokens).
    public var detail: String

    public init(time: String, principal: String, role: Role?, method: String, path: String, status: Int, detail: String) {
        self.time = time
        self.principal = principal
        self.role = role
        self.method = method
        self.path = path
        self.status = status
        self.detail = detail
    }
}

/// An append-only JSON-lines file with one ``AuditEntry`` per mutating admin call.
///
/// The file is opened with `O_APPEND` (concurrent writers cannot interleave within a line) and each
/// entry is flushed with `fsync` before the call returns. Writes run on a private serial queue so the
/// blocking `fsync` never occupies a Swift concurrency thread.
public final class AuditLog: Sendable {
    public let path: String
    private let fd: Int32
    private let queue = DispatchQueue(label: "sluice.audit-log")

    /// Opens (creating with mode 0600) the log at `path`.
    public init(path: String) throws(ServerError) {
        self.path = path
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ServerError(
                .auditLog, "cannot open audit log for appending: \(String(cString: strerror(errno)))",
                context: ["path": path])
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Appends `entry` as one JSON line and waits until it is on disk.
    public func append(_ entry: AuditEntry) async throws(ServerError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line: Data
        do { line = try encoder.encode(entry) } catch {
            throw ServerError(.auditLog, "cannot encode audit entry: \(error)")
        }
        line.append(0x0A)
        let bytes = line
        let (fd, path) = (self.fd, self.path)
        let failure: ServerError? = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Self.writeAll(fd: fd, bytes: bytes, path: path))
            }
        }
        if let failure { throw failure }
    }

    /// Every entry in the log at `path`, oldest first (for `sluice admin audit` and tests).
    public static func entries(path: String) throws(ServerError) -> [AuditEntry] {
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return try text.split(separator: "\n").map { try JSONDecoder().decode(AuditEntry.self, from: Data($0.utf8)) }
        } catch {
            throw ServerError(.auditLog, "cannot read audit log: \(error)", context: ["path": path])
        }
    }

    /// The current time as the log writes it.
    public static func timestamp(_ date: Date = Date()) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static func writeAll(fd: Int32, bytes: Data, path: String) -> ServerError? {
        let written = bytes.withUnsafeBytes { raw -> Int in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return -1
                }
                offset += n
            }
            return offset
        }
        guard written == bytes.count, fsync(fd) == 0 else {
            return ServerError(.auditLog, "cannot write audit log: \(String(cString: strerror(errno)))", context: ["path": path])
        }
        return nil
    }
}
