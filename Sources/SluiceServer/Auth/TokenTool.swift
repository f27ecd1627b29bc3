import Crypto
import Foundation

/// Creating tokens and their hashes; `sluice admin token create --name --role` is built on this.
///
/// ```swift
/// let (token, entry) = TokenTool.create(name: "ci-bot", role: .operator)
/// try TokenTool.add(entry, toFile: "tokens.yaml")
/// print(token)   // shown once, never stored
/// ```
public enum TokenTool {
    /// Prefix of generated tokens, so a leaked token is recognisable by secret scanners.
    public static let prefix = "sluice_"

    /// Lower-case hex SHA-256 of the token's UTF-8 bytes: what a tokens file stores.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// A new random token: the prefix and 32 bytes (256 bits) from the system's secure generator,
    /// base64url without padding.
    public static func generateToken() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        return prefix + base64URL(bytes)
    }

    /// A new token and the tokens-file entry that accepts it.
    public static func create(name: String, role: Role) -> (token: String, entry: TokenEntry) {
        let token = generateToken()
        return (token, TokenEntry(name: name, role: role, sha256: hash(token)))
    }

    /// Appends `entry` to the tokens file at `path` (created if missing). Names must stay unique.
    public static func add(_ entry: TokenEntry, toFile path: String) throws(ServerError) {
        var entries: [TokenEntry] = []
        if FileManager.default.fileExists(atPath: path) { entries = try TokenFile.read(path: path) }
        if entries.contains(where: { $0.name == entry.name }) {
            throw ServerError(.tokensFile, "a token named '\(entry.name)' already exists; choose another name or remove it first",
                              context: ["path": path, "name": entry.name])
        }
        entries.append(entry)
        _ = try TokenStore(entries: entries)  // validate before writing
        try TokenFile.write(entries, to: path)
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
