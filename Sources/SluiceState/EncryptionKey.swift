import Crypto
import Foundation

/// A 256-bit AES key with the id that segment headers record. Keys come from a file or an
/// environment variable, never from topology text.
///
/// ```swift
/// let key = try EncryptionKey.fromEnvironment("SLUICE_STATE_KEY", id: "k2025")
/// let ring = EncryptionKeyRing([key])
/// ```
public struct EncryptionKey: Sendable {
    public let id: String
    // Raw bytes rather than SymmetricKey, which is not Sendable; a SymmetricKey is cheap to rebuild.
    private let material: [UInt8]
    /// 8 bytes derived from the key, stored in the segment header so a wrong key is reported as
    /// such before any block is touched. It reveals nothing usable about the key (HMAC-SHA256).
    let checkValue: [UInt8]
    var symmetricKey: SymmetricKey { SymmetricKey(data: material) }

    /// Creates a key from exactly 32 raw bytes. `id` is 1–255 bytes of UTF-8.
    public init(id: String, bytes: [UInt8]) throws {
        guard !id.isEmpty, id.utf8.count <= 255 else {
            throw StateError(.invalidKey, "encryption key id must be 1–255 bytes, got \(id.utf8.count)")
        }
        guard bytes.count == 32 else {
            throw StateError(
                .invalidKey, "encryption key '\(id)' must be 32 bytes (AES-256), got \(bytes.count)",
                context: ["key_id": id])
        }
        self.id = id
        self.material = bytes
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("sluice-state-key-check".utf8), using: SymmetricKey(data: bytes))
        self.checkValue = Array(mac.prefix(8))
    }

    /// Parses key material: 32 raw bytes, 64 hex digits, or base64 of 32 bytes (surrounding
    /// whitespace ignored).
    public init(id: String, material: [UInt8]) throws {
        if material.count == 32 {
            try self.init(id: id, bytes: material)
            return
        }
        let text = String(decoding: material, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count == 64, let bytes = Self.hexBytes(text) {
            try self.init(id: id, bytes: bytes)
        } else if let data = Data(base64Encoded: text), data.count == 32 {
            try self.init(id: id, bytes: [UInt8](data))
        } else {
            throw StateError(
                .invalidKey,
                "encryption key '\(id)' is neither 32 raw bytes, 64 hex digits nor base64 of 32 bytes",
                context: ["key_id": id])
        }
    }

    /// Reads key material from a file (see `init(id:material:)` for accepted forms).
    public static func fromFile(_ path: String, id: String) throws -> EncryptionKey {
        try EncryptionKey(id: id, material: FileIO.readFile(path))
    }

    /// Reads key material (hex or base64) from an environment variable.
    public static func fromEnvironment(_ variable: String, id: String) throws -> EncryptionKey {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw StateError(
                .encryptionKeyMissing, "environment variable \(variable) holding key '\(id)' is not set",
                context: ["key_id": id])
        }
        return try EncryptionKey(id: id, material: Array(value.utf8))
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var high: UInt8?
        for c in text.utf8 {
            let v: UInt8
            switch c {
            case 48...57: v = c - 48
            case 97...102: v = c - 87
            case 65...70: v = c - 55
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return high == nil ? out : nil
    }
}

/// The keys a process holds, looked up by the id a segment header names.
public struct EncryptionKeyRing: Sendable {
    private var keys: [String: EncryptionKey]

    public init(_ keys: [EncryptionKey] = []) {
        self.keys = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    }

    public func key(id: String) -> EncryptionKey? { keys[id] }
    public var ids: [String] { keys.keys.sorted() }
    public mutating func add(_ key: EncryptionKey) { keys[key.id] = key }
}

/// AES-256-GCM per block. The nonce is random per block and stored in front of the ciphertext;
/// the block number is authenticated so blocks cannot be swapped between positions.
enum BlockCipher {
    static let overhead = 12 + 16

    static func seal(_ plaintext: [UInt8], block: Int, key: EncryptionKey) throws -> [UInt8] {
        do {
            let box = try AES.GCM.seal(plaintext, using: key.symmetricKey, nonce: AES.GCM.Nonce(), authenticating: aad(block))
            guard let combined = box.combined else { throw StateError(.compressionFailed, "AES-GCM produced no output") }
            return [UInt8](combined)
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(.compressionFailed, "AES-GCM encryption failed: \(error)")
        }
    }

    /// Returns nil when authentication fails.
    static func open(_ sealed: UnsafeRawBufferPointer, block: Int, key: EncryptionKey) -> [UInt8]? {
        guard sealed.count >= overhead,
            let box = try? AES.GCM.SealedBox(combined: Data(sealed)),
            let plain = try? AES.GCM.open(box, using: key.symmetricKey, authenticating: aad(block))
        else { return nil }
        return [UInt8](plain)
    }

    private static func aad(_ block: Int) -> [UInt8] {
        var a = Array("SLSG".utf8)
        a.appendLE(UInt32(truncatingIfNeeded: block))
        return a
    }
}
