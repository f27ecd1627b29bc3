/// One line of the tokens file: who holds a token, their role, and the SHA-256 of the token (hex).
/// The token itself is never stored.
public struct TokenEntry: Codable, Sendable, Hashable {
    public var name: String
    public var role: Role
    /// Lower-case hex SHA-256 of the token's UTF-8 bytes (see ``TokenTool/hash(_:)``).
    public var sha256: String

    public init(name: String, role: Role, sha256: String) {
        self.name = name
        self.role = role
        self.sha256 = sha256.lowercased()
    }
}

/// The on-disk shape of a tokens file: `{tokens: [...]}` (a bare list is accepted when reading).
struct TokenFileContents: Codable {
    var tokens: [TokenEntry]
}
