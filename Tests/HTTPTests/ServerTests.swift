import Foundation
import Glibc
import Testing
@testable import HTTP

/// Sends raw bytes to the server and returns everything it answers until it closes (or 2 s pass).
func exchange(_ port: UInt16, _ bytes: [UInt8], then more: [UInt8] = [], closeWrite: Bool = true, wait: Int = 2) -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    var time = timeval(tv_sec: wait, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    if wait == 0 { return "" }   // send and hang up at once
    if !more.isEmpty {   // a second part, 20 ms later
        usleep(20_000)
        _ = more.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
    if closeWrite { shutdown(fd, Int32(SHUT_WR)) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        out += buffer[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
}

@Suite("HTTP server on a real socket", .serialized)
struct ServerTests {
    func start() throws -> (Server, UInt16) {
        let server = Server(host: "127.0.0.1", port: 0) { request in
            .text(200, "\(request.method) \(request.path) \(request.body.count)")
        }
        server.readTimeout = 1
        server.idleTimeout = 1
        return (server, try server.start())
    }

    @Test("persistent connection: two pipelined requests get two responses in order")
    func keepAlive() throws {
        let (server, port) = try start()
        defer { server.stop() }
        let answer = exchange(port, Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc".utf8))
        #expect(answer.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
        #expect(answer.contains("GET /a 0") && answer.contains("POST /b 3"))
        #expect(answer.hasSuffix("POST /b 3\n"))
    }

    @Test("an answer given later from another thread keeps pipelined answers in order; a client gone meanwhile does not stop the server")
    func deferredAnswers() throws {
        let server = Server(host: "127.0.0.1", port: 0, respond: { request, responder in
            guard request.path == "/slow" else { return responder.send(.text(200, "fast")) }
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { responder.send(.text(200, "slow")) }
        })
        let port = try server.start()
        defer { server.stop() }
        let answer = exchange(port, Array("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\nGET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        let bodies = answer.components(separatedBy: "\r\n\r\n").dropFirst().map { $0.prefix(4) }
        #expect(bodies == ["slow", "fast", "slow"], "\(answer)")
        // The next request arrives while the first one's answer is pending: read, held, answered after it.
        let late = exchange(port, Array("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
                            then: Array("GET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        #expect(late.components(separatedBy: "\r\n\r\n").dropFirst().map { $0.prefix(4) } == ["slow", "fast"], "\(late)")
        // Gone before its answer: the answer has nowhere to go, and nothing else suffers.
        for _ in 0..<20 { _ = exchange(port, Array("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".utf8), wait: 0) }
        Thread.sleep(forTimeInterval: 0.1)
        #expect(exchange(port, Array("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n".utf8)).hasSuffix("fast\n"))
    }

    @Test("a smuggling attempt is refused with 400 and the connection closed; the server still answers")
    func smuggling() throws {
        let (server, port) = try start()
        defer { server.stop() }
        let answer = exchange(port, Array("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request"))
        #expect(!answer.contains("/admin"))
        #expect(exchange(port, Array("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n".utf8)).contains("GET /ok 0"))
    }

    @Test("a client that stops half way through a request gets 408 after the read timeout")
    func slowClient() throws {
        let (server, port) = try start()
        defer { server.stop() }
        let started = Date()
        let answer = exchange(port, Array("GET / HTTP/1.1\r\nHost:".utf8), closeWrite: false)
        #expect(answer.hasPrefix("HTTP/1.1 408"))
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test("curl gets an answer; stop() lets the port go")
    func withCurl() throws {
        let (server, port) = try start()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-d", "a=1", "http://127.0.0.1:\(port)/form"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(output == "POST /form 3\n")
        server.stop()
        #expect(exchange(port, Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)).isEmpty)
    }
}

@Suite("HTTP server under hostile input", .serialized)
struct HostileServerTests {
    @Test("every broken or hostile request of the parser's table gets its status over a socket; the server still answers",
          arguments: RequestParserTests.hostile)
    func hostile(_ text: String, _ status: Int) throws {
        let server = Server(host: "127.0.0.1", port: 0) { _ in .text(200, "ok") }
        server.readTimeout = 1
        let port = try server.start()
        defer { server.stop() }
        let answer = exchange(port, Array(text.utf8))
        #expect(answer.hasPrefix("HTTP/1.1 \(status) "), "\(answer.prefix(60))")
        #expect(exchange(port, Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 200 OK"))
    }

    @Test("500 idle connections are held while a normal request is still answered")
    func idleConnections() throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 2048 { limit.rlim_cur = min(limit.rlim_max, 4096); setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) }
        let server = Server(host: "127.0.0.1", port: 0) { _ in .text(200, "ok") }
        server.idleTimeout = 60
        server.maxConnections = 600
        let port = try server.start()
        defer { server.stop() }
        var idle: [Int32] = []
        defer { idle.forEach { close($0) } }
        for _ in 0..<500 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
            let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            #expect(connected == 0)
            idle.append(fd)
        }
        Thread.sleep(forTimeInterval: 0.5)
        let started = Date()
        #expect(exchange(port, Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 200 OK"))
        #expect(Date().timeIntervalSince(started) < 2)
    }
}
