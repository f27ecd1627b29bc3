import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import ServiceLifecycle
import SluiceServer
import Testing

@Suite("Running as a service")
struct LifecycleTests {
    @Test("serves HTTP on a real port inside a ServiceGroup and returns after graceful shutdown")
    func serviceGroup() async throws {
        let audit = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).jsonl").path
        var server = try AdminServer(
            configuration: ServerConfiguration(address: "127.0.0.1", port: 0, auditLog: audit),
            engine: FakeEngine(), metrics: .sluice(), logger: Logger(label: "test"))
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        server.onServerRunning = { port in
            if let port { portSink.yield(port) }
        }
        let group = ServiceGroup(configuration: .init(services: [server], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/healthz"))
            let (data, response) = try await URLSession.shared.data(from: url)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            #expect(String(decoding: data, as: UTF8.self) == "ok\n")

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()  // run() returned: the server stopped
        }
    }
}
