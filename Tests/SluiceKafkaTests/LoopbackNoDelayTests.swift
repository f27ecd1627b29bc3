#if canImport(Glibc)
import Foundation
import Glibc
import Testing
@testable import SluiceKafka

@Suite("Embedded broker sockets")
struct LoopbackNoDelayTests {
    @Test("the embedded broker's connections have TCP_NODELAY, as a real broker's do")
    func brokerConnectionsHaveNoDelay() throws {
        let broker = try EmbeddedBroker(brokers: 1)
        let port = try #require(broker.listenerPorts.first)
        let client = try connect(to: port)
        defer { close(client) }
        // The broker's thread accepts the connection: its end is the socket on the port that is not the listener.
        let deadline = Date().addingTimeInterval(5)
        var accepted: [Int32] = []
        while accepted.isEmpty && Date() < deadline {
            accepted = LoopbackNoDelay.openDescriptors().filter {
                LoopbackNoDelay.localPort($0) == port && isConnected($0)
            }
            if accepted.isEmpty { usleep(10_000) }
        }
        #expect(!accepted.isEmpty, "no accepted connection on port \(port)")
        for fd in accepted { #expect(LoopbackNoDelay.isSet(fd)) }
        #expect(!LoopbackNoDelay.isSet(client), "only the broker's side is changed")
    }

    @Test("only sockets on the given ports are changed")
    func onlyGivenPorts() throws {
        let (listener, port) = try listen()
        let (other, _) = try listen()
        defer { close(listener); close(other) }
        #expect(LoopbackNoDelay.apply(toSocketsOnPorts: [port]) == 1)
        #expect(LoopbackNoDelay.isSet(listener))
        #expect(!LoopbackNoDelay.isSet(other))
        #expect(LoopbackNoDelay.apply(toSocketsOnPorts: [port]) == 0, "already set: nothing to change")
    }

    // MARK: helpers

    private func listen() throws -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0 && Glibc.listen(fd, 4) == 0)
        return (fd, try #require(LoopbackNoDelay.localPort(fd)))
    }

    private func connect(to port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        return fd
    }

    private func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    private func isConnected(_ fd: Int32) -> Bool {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) == 0 }
        }
    }
}
#endif
