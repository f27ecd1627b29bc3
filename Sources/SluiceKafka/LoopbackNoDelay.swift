import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns off Nagle's algorithm (`TCP_NODELAY`) on the embedded broker's listening sockets, as a real Kafka
/// broker does on every connection it accepts.
///
/// librdkafka's mock cluster leaves Nagle on. Its reply to a lone request (the produce requests of a flush,
/// a checkpoint's marker records) then waited for the client's delayed acknowledgement of the reply before:
/// ≈ 40 ms, in about half of the flushes measured. The mock's sockets are not configurable, but they live in
/// this process, and connections accepted on Linux inherit the option from their listening socket: setting it
/// on the listeners, found by their port, covers every connection made afterwards.
enum LoopbackNoDelay {
    /// Sets the option on this process's TCP sockets bound to one of `ports`; returns how many it changed.
    @discardableResult
    static func apply(toSocketsOnPorts ports: Set<UInt16>) -> Int {
        var changed = 0
        for fd in openDescriptors() where isTCP(fd) && ports.contains(localPort(fd) ?? 0) && !isSet(fd) {
            var one: Int32 = 1
            if setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 { changed += 1 }
        }
        return changed
    }

    /// Whether `fd` has `TCP_NODELAY` on.
    static func isSet(_ fd: Int32) -> Bool {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &value, &length) == 0 && value != 0
    }

    /// The IPv4 port `fd` is bound to, if it is an IPv4 socket.
    static func localPort(_ fd: Int32) -> UInt16? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard bound, address.sin_family == sa_family_t(AF_INET) else { return nil }
        return UInt16(bigEndian: address.sin_port)
    }

    private static func isTCP(_ fd: Int32) -> Bool {
        var type: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        #if canImport(Glibc)
        let stream = Int32(SOCK_STREAM.rawValue)
        #else
        let stream = SOCK_STREAM
        #endif
        return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0 && type == stream
    }

    /// The process's open descriptors: `/proc/self/fd` where there is one, else the first 1024 numbers.
    static func openDescriptors() -> [Int32] {
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            return entries.compactMap { Int32($0) }
        }
        return Array(0..<1024)
    }
}
