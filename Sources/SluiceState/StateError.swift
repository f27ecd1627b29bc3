/// A region of a segment file, used to say where corruption was found.
public enum SegmentRegion: Equatable, Hashable, Sendable, CustomStringConvertible {
    case header
    case block(Int)
    case index
    case footer

    public var description: String {
        switch self {
        case .header: return "header"
        case .block(let k): return "block \(k)"
        case .index: return "index"
        case .footer: return "footer"
        }
    }
}

/// The error thrown by every SluiceState API: a code to switch on, a message a user can act on,
/// and context (store, path, region) to locate the problem.
public struct StateError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case memoryBudgetExceeded
        case corruptSegment
        case corruptManifest
        case encryptionKeyMissing
        case encryptionKeyMismatch
        case invalidKey
        case invalidArgument
        case unsortedKeys
        case compressionFailed
        case decodeFailed
        case io
        case storeNotRegistered
        case duplicateStore
        case notFound
    }

    public let code: Code
    public let message: String
    /// File the error concerns, when there is one.
    public let path: String?
    /// For `.corruptSegment`: where in the segment.
    public let region: SegmentRegion?
    /// Extra key/value context (store name, sizes, key ids).
    public let context: [String: String]

    public init(
        _ code: Code, _ message: String, path: String? = nil, region: SegmentRegion? = nil,
        context: [String: String] = [:]
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.region = region
        self.context = context
    }

    public var description: String {
        var text = "\(code.rawValue): \(message)"
        if let path { text += " [file: \(path)" + (region.map { ", region: \($0)" } ?? "") + "]" }
        if !context.isEmpty {
            text += " {" + context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: ", ") + "}"
        }
        return text
    }

    /// A store would grow past its configured memory budget.
    public static func memoryBudgetExceeded(store: String, budget: Int, wouldUse: Int) -> StateError {
        StateError(
            .memoryBudgetExceeded,
            "state store '\(store)' would use ~\(wouldUse) bytes, over its memory budget of \(budget) bytes; "
                + "raise the store's memory budget, shorten its TTL, or choose the evict-oldest policy",
            context: ["store": store, "budget": "\(budget)", "would_use": "\(wouldUse)"])
    }

    /// A segment failed validation: bad magic, checksum mismatch, truncation or undecodable bytes.
    public static func corruptSegment(_ path: String, region: SegmentRegion, reason: String) -> StateError {
        StateError(
            .corruptSegment, "corrupt segment (\(region)): \(reason)", path: path, region: region)
    }

    static func io(_ operation: String, path: String, errno code: Int32) -> StateError {
        StateError(.io, "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))", path: path)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
