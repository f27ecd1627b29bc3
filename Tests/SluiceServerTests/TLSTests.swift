import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SluiceServer
import Testing

@Suite("TLS")
struct TLSTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tls")

    @Test("with cert_file and key_file the server speaks HTTPS")
    func https() async throws {
        let config = ServerConfiguration(
            address: "127.0.0.1", port: 0,
            auditLog: FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).jsonl").path,
            tls: .init(
                certFile: Self.fixtures.appendingPathComponent("server.crt").path,
                keyFile: Self.fixtures.appendingPathComponent("server.key").path))
        let server = try AdminServer(configuration: config, engine: FakeEngine(), metrics: .sluice(), logger: Logger(label: "t"))
        try await server.makeApplication().test(.ahc(.https)) { client in
            let response = try await client.executeRequest(uri: "/healthz", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "ok\n")
        }
    }
}
