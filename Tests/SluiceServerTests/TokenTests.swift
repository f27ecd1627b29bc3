import Foundation
import SluiceServer
import Testing

@Suite("Tokens")
struct TokenTests {
    @Test("hash is hex SHA-256 of the token")
    func knownVector() {
        #expect(TokenTool.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("generated tokens are prefixed, URL-safe, 256-bit and distinct")
    func generate() {
        let tokens = (0..<50).map { _ in TokenTool.generateToken() }
        #expect(Set(tokens).count == 50)
        for t in tokens {
            #expect(t.hasPrefix("sluice_"))
            let body = t.dropFirst("sluice_".count)
            #expect(body.count == 43)
            #expect(body.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        }
    }

    @Test("a created token authenticates as its principal; others do not")
    func authenticate() throws {
        let (token, entry) = TokenTool.create(name: "ci", role: .operator)
        let store = try TokenStore(entries: [entry, TokenEntry(name: "ro", role: .viewer, sha256: TokenTool.hash("x"))])
        #expect(store.authenticate(token: token) == Principal(name: "ci", role: .operator))
        #expect(store.authenticate(token: "x") == Principal(name: "ro", role: .viewer))
        #expect(store.authenticate(token: token + "y") == nil)
        #expect(store.authenticate(token: "") == nil)
    }

    @Test("bearer header parsing", arguments: [
        ("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", nil), ("Bearer", nil), ("", nil),
    ] as [(String, String?)])
    func bearer(header: String, token: String?) {
        #expect(TokenStore.bearerToken(fromAuthorization: header) == token)
    }

    @Test("bad entries are rejected with an actionable message")
    func badEntries() {
        #expect(throws: ServerError.self) { try TokenStore(entries: [TokenEntry(name: "a", role: .admin, sha256: "abc")]) }
        let dup = TokenEntry(name: "a", role: .admin, sha256: TokenTool.hash("1"))
        do {
            _ = try TokenStore(entries: [dup, dup])
            Issue.record("duplicate names accepted")
        } catch {
            #expect(error.code == .tokensFile)
            #expect(error.message.contains("appears twice"))
        }
    }

    @Test("tokens files in YAML and JSON, listed or under `tokens:`", arguments: [
        ("t.yaml", "tokens:\n  - name: alice\n    role: admin\n    sha256: HASH\n"),
        ("t.yaml", "- name: alice\n  role: admin\n  sha256: HASH\n"),
        ("t.json", #"{"tokens": [{"name": "alice", "role": "admin", "sha256": "HASH"}]}"#),
        ("t.conf", #"[{"name": "alice", "role": "admin", "sha256": "HASH"}]"#),
    ])
    func fileFormats(name: String, contents: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try contents.replacingOccurrences(of: "HASH", with: TokenTool.hash("s3cret")).write(toFile: path, atomically: true, encoding: .utf8)
        let store = try TokenStore.load(path: path)
        #expect(store.authenticate(token: "s3cret") == Principal(name: "alice", role: .admin))
    }

    @Test("an unknown role in the file is an error naming the roles")
    func unknownRole() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).yaml").path
        try "tokens:\n  - name: a\n    role: root\n    sha256: \(TokenTool.hash("a"))\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ServerError.self) { try TokenStore.load(path: path) }
    }

    @Test("add appends to a file, keeps it private and refuses duplicate names")
    func addToFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).yaml").path
        let (t1, e1) = TokenTool.create(name: "alice", role: .admin)
        let (t2, e2) = TokenTool.create(name: "bob", role: .viewer)
        try TokenTool.add(e1, toFile: path)
        try TokenTool.add(e2, toFile: path)
        #expect(throws: ServerError.self) { try TokenTool.add(e1, toFile: path) }
        let store = try TokenStore.load(path: path)
        #expect(store.authenticate(token: t1)?.name == "alice")
        #expect(store.authenticate(token: t2)?.role == .viewer)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(t1) && !text.contains(t2))
        let perms = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(perms?.intValue == 0o600)
    }
}
