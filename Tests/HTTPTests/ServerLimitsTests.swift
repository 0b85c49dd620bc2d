import Foundation
import Glibc
import Testing
@testable import HTTP

/// A client socket to the server on 127.0.0.1, from `source` (any 127.0.0.0/8 address is this machine).
final class TestClient {
    let fd: Int32

    init(_ port: UInt16, from source: String = "127.0.0.1", receiveBuffer: Int32? = nil) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        _ = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    }

    deinit { close(fd) }

    /// Sends all of `bytes`; false once the server has closed.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// What has arrived so far, without waiting.
    func available() -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n <= 0 { return out }
            out += buffer[0..<n]
        }
    }

    /// Everything until the server closes or `seconds` pass without a byte.
    func readAll(seconds: Int = 2) -> [UInt8] {
        var time = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return out }
            out += buffer[0..<n]
        }
    }
}

/// Counts what a handler was given, from the loops' threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add() { lock.withLock { value += 1 } }
    var count: Int { lock.withLock { value } }
}

@Suite("HTTP server limits against hostile clients (real sockets)", .serialized)
struct ServerLimitsTests {
    @Test("pipelined requests from a client that never reads stop being answered once 64 KiB wait; all come when it reads")
    func pipelinedFlood() throws {
        let dispatched = Counter()
        let page = [UInt8](repeating: 0x61, count: 64 * 1024)
        let server = Server(host: "127.0.0.1", port: 0) { _ in
            dispatched.add()
            return Response(status: 200, headers: [("Content-Type", "text/plain")], body: page)
        }
        let port = try server.start()
        defer { server.stop() }
        let client = TestClient(port, receiveBuffer: 4096)
        let requests = 2000
        #expect(client.send(String(repeating: "GET /s/x HTTP/1.1\r\nHost: x\r\n\r\n", count: requests)))
        Thread.sleep(forTimeInterval: 1)
        // 2,000 answers would be 128 MB held for this one client; what waits is the cap plus
        // what the kernel's socket buffers took (a few MB on loopback).
        #expect(dispatched.count < 300, "\(dispatched.count) requests answered into a client that reads nothing")
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var time = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client.fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        let expected = requests * Response(status: 200, headers: [("Content-Type", "text/plain")], body: page).serialized(keepAlive: true).count
        while received < expected {
            let n = buffer.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received += n
        }
        #expect(dispatched.count == requests, "every request is answered once the client reads")
        #expect(received == expected, "all \(requests) answers arrived (\(received) bytes)")
    }

    @Test("a head dripped one byte at a time gets 408 when its whole time is up, not only after a silent gap")
    func slowloris() throws {
        let server = Server(host: "127.0.0.1", port: 0) { _ in .text(200, "ok") }
        server.readTimeout = 1
        let port = try server.start()
        defer { server.stop() }
        let client = TestClient(port)
        #expect(client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Drip: "))
        var answer: [UInt8] = []
        let started = Date()
        while Date().timeIntervalSince(started) < 5 && answer.isEmpty {
            _ = client.send("a")
            Thread.sleep(forTimeInterval: 0.2)
            answer = client.available()
        }
        #expect(String(decoding: answer, as: UTF8.self).hasPrefix("HTTP/1.1 408"))
        #expect(Date().timeIntervalSince(started) < 3.5, "cut off after the head's second plus a sweep")
    }

    @Test("endless chunked trailer fields get 431 and the connection closed")
    func trailerFlood() throws {
        let server = Server(host: "127.0.0.1", port: 0) { _ in .text(200, "ok") }
        let port = try server.start()
        defer { server.stop() }
        let client = TestClient(port)
        _ = client.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n")
        let line = Array(("X-T: " + String(repeating: "t", count: 1000) + "\r\n").utf8)
        var sent = 0
        var answer: [UInt8] = []
        while sent < 4 << 20 && answer.isEmpty {
            guard client.send(line) else { break }
            sent += line.count
            if sent % (16 * 1024) < line.count {
                // Sent as a network would bring it, not faster than the server is scheduled.
                Thread.sleep(forTimeInterval: 0.005)
                answer = client.available()
            }
        }
        answer += client.readAll()
        #expect(String(decoding: answer, as: UTF8.self).hasPrefix("HTTP/1.1 431"), "after \(sent) bytes")
        #expect(sent < 1 << 20, "refused within the first MiB, not after \(sent) bytes")
    }

    @Test("one address holds at most its share of connections; others are still served; a trusted proxy is not counted")
    func connectionsPerClient() throws {
        let server = Server(host: "127.0.0.1", port: 0) { request in .text(200, "from \(request.client)") }
        server.maxConnectionsPerClient = 3
        server.trustedProxies = []
        let port = try server.start()
        defer { server.stop() }
        let held = (0..<3).map { _ in TestClient(port, from: "127.0.0.2") }
        Thread.sleep(forTimeInterval: 0.2)
        let refused = TestClient(port, from: "127.0.0.2")
        _ = refused.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(String(decoding: refused.readAll(), as: UTF8.self).hasPrefix("HTTP/1.1 503"))
        let other = TestClient(port, from: "127.0.0.3")
        _ = other.send("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.1.2.3\r\nConnection: close\r\n\r\n")
        #expect(String(decoding: other.readAll(), as: UTF8.self).hasSuffix("from 127.0.0.3\n"), "an untrusted peer's X-Forwarded-For is ignored")
        _ = held

        let proxied = Server(host: "127.0.0.1", port: 0) { request in .text(200, "from \(request.client)") }
        proxied.maxConnectionsPerClient = 3
        proxied.trustedProxies = ["127.0.0.1"]
        let proxyPort = try proxied.start()
        defer { proxied.stop() }
        let many = (0..<5).map { _ in TestClient(proxyPort) }
        Thread.sleep(forTimeInterval: 0.2)
        _ = many[4].send("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.9.9.9, 192.0.2.7\r\nConnection: close\r\n\r\n")
        #expect(String(decoding: many[4].readAll(), as: UTF8.self).hasSuffix("from 192.0.2.7\n"), "the proxy's own entry names the client")
    }
}
