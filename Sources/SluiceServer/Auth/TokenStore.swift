import Crypto
import Foundation
import Yams

/// The bearer tokens the admin API accepts, loaded from a tokens file (YAML or JSON):
///
/// ```yaml
/// tokens:
///   - name: alice
///     role: admin
///     sha256: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
/// ```
///
/// Only hashes are held. A presented token is hashed and compared with every entry in constant time.
public struct TokenStore: Sendable {
    private struct Stored: Sendable {
        var principal: Principal
        var digest: [UInt8]
    }

    private let stored: [Stored]

    /// The names and roles of the loaded tokens (no hashes), for logs and `sluice admin token list`.
    public var principals: [Principal] { stored.map(\.principal) }

    /// Validates entries: hex SHA-256 of 64 characters, unique names.
    public init(entries: [TokenEntry]) throws(ServerError) {
        var names = Set<String>()
        var stored: [Stored] = []
        for entry in entries {
            guard !entry.name.isEmpty else {
                throw ServerError(.tokensFile, "a token entry has an empty name")
            }
            guard names.insert(entry.name).inserted else {
                throw ServerError(.tokensFile, "token name '\(entry.name)' appears twice; names must be unique",
                                  context: ["name": entry.name])
            }
            guard let digest = Self.decodeHex(entry.sha256), digest.count == SHA256.byteCount else {
                throw ServerError(
                    .tokensFile,
                    "token '\(entry.name)' needs sha256 as 64 hex characters; create entries with `sluice admin token create`",
                    context: ["name": entry.name])
            }
            stored.append(Stored(principal: Principal(name: entry.name, role: entry.role), digest: digest))
        }
        self.stored = stored
    }

    /// Reads a tokens file. A file ending in `.json`, or starting with `{` or `[`, is read as JSON, else YAML.
    public static func load(path: String) throws(ServerError) -> TokenStore {
        try TokenStore(entries: TokenFile.read(path: path))
    }

    /// The principal holding `token`, or `nil`. Every entry is compared, in constant time per entry,
    /// so response timing reveals neither which entry matched nor how many bytes did.
    public func authenticate(token: String) -> Principal? {
        let presented = Array(SHA256.hash(data: Array(token.utf8)))
        var match: Principal?
        for entry in stored where Self.constantTimeEqual(entry.digest, presented) {
            match = entry.principal
        }
        return match
    }

    /// Extracts the token from an `Authorization: Bearer <token>` header value.
    public static func bearerToken(fromAuthorization header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    static func decodeHex(_ hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}

/// Reading and writing tokens files.
public enum TokenFile {
    /// The entries of a tokens file.
    public static func read(path: String) throws(ServerError) -> [TokenEntry] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ServerError(.tokensFile, "cannot read tokens file: \(error.localizedDescription)", context: ["path": path])
        }
        let trimmed = text.drop { $0.isWhitespace }
        let isJSON = path.hasSuffix(".json") || trimmed.first == "{" || trimmed.first == "["
        do {
            if trimmed.isEmpty { return [] }
            if isJSON {
                let data = Data(text.utf8)
                if trimmed.first == "[" { return try JSONDecoder().decode([TokenEntry].self, from: data) }
                return try JSONDecoder().decode(TokenFileContents.self, from: data).tokens
            }
            if let list = try? YAMLDecoder().decode([TokenEntry].self, from: text) { return list }
            return try YAMLDecoder().decode(TokenFileContents.self, from: text).tokens
        } catch {
            throw ServerError(
                .tokensFile,
                "tokens file must hold `tokens:` with entries {name, role: viewer|operator|admin, sha256}: \(error)",
                context: ["path": path])
        }
    }

    /// Writes `entries` as YAML (or JSON when `path` ends in `.json`), readable by the owner only,
    /// replacing the file atomically.
    public static func write(_ entries: [TokenEntry], to path: String) throws(ServerError) {
        let contents = TokenFileContents(tokens: entries)
        do {
            let data: Data
            if path.hasSuffix(".json") {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                data = try encoder.encode(contents)
            } else {
                data = Data(("# Sluice admin API tokens: SHA-256 of each token, never the token.\n"
                    + (try YAMLEncoder().encode(contents))).utf8)
            }
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        } catch {
            throw ServerError(.tokensFile, "cannot write tokens file: \(error.localizedDescription)", context: ["path": path])
        }
    }
}
