import CSystem
import Foundation
import Glibc

/// An HTTP/1.1 server on a TCP socket: one thread accepts, one thread per connection (at most
/// `maxConnections`; beyond that a 503) reads requests, calls the handler and writes the
/// response. Persistent connections; slow or idle clients are cut off after timeouts; writes
/// survive EINTR and partial sends; SIGPIPE never fires (MSG_NOSIGNAL). `stop()` stops
/// accepting, lets requests in progress finish, and closes idle connections.
public final class Server: @unchecked Sendable {
    public typealias Handler = @Sendable (Request) -> Response

    let host: String
    let requestedPort: UInt16
    let handler: Handler
    /// Each connection has a thread with a 512 KiB stack (reserved, mostly not touched).
    public var maxConnections = 2048
    /// Seconds a client may take between bytes of a request, and may stay idle between requests.
    public var readTimeout = 10
    public var idleTimeout = 30
    public var parser = RequestParser()

    private var listener: Int32 = -1
    private let lock = NSLock()
    private var connections: [Int32: Bool] = [:]   // fd → busy with a request
    private var stopping = false
    private let finished = DispatchGroup()

    public init(host: String, port: UInt16, handler: @escaping Handler) {
        self.host = host
        requestedPort = port
        self.handler = handler
    }

    /// Binds and starts accepting; returns the port (useful with port 0).
    /// - Throws: `ServerError` when the address cannot be used.
    public func start() throws -> UInt16 {
        signal(SIGPIPE, SIG_IGN)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = requestedPort.bigEndian
        let ip = host == "localhost" ? "127.0.0.1" : host
        guard inet_pton(AF_INET, ip, &address.sin_addr) == 1 else {
            throw ServerError(message: "'\(host)' is not an IPv4 address to listen on (use e.g. 127.0.0.1 or 0.0.0.0)")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServerError(message: "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1024) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ServerError(message: "cannot listen on \(host):\(requestedPort): \(reason); is another program using the port?")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "http-accept"
        thread.start()
        return UInt16(bigEndian: actual.sin_port)
    }

    /// Stops accepting, waits for requests in progress (at most `timeout` seconds), closes the rest.
    public func stop(timeout: TimeInterval = 10) {
        let idle: [Int32] = lock.withLock {
            stopping = true
            return connections.filter { !$0.value }.map(\.key)
        }
        shutdown(listener, Int32(SHUT_RDWR))
        for fd in idle { shutdown(fd, Int32(SHUT_RDWR)) }
        _ = finished.wait(timeout: .now() + timeout)
    }

    private func acceptLoop() {
        finished.enter()
        defer { finished.leave(); close(listener) }
        while true {
            var peer = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let fd = withUnsafeMutablePointer(to: &peer) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { mitreden_accept4(listener, $0, &length, Int32(SOCK_CLOEXEC.rawValue)) } }
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE { Thread.sleep(forTimeInterval: 0.05); continue }
                return
            }
            let admitted: Bool = lock.withLock {
                guard !stopping, connections.count < maxConnections else { return false }
                connections[fd] = false
                return true
            }
            guard admitted else {
                _ = send(fd, Response.text(503, "too many connections; try again shortly").serialized(keepAlive: false))
                close(fd)
                if lock.withLock({ stopping }) { return }
                continue
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let address = String(cString: inet_ntoa(peer.sin_addr))
            finished.enter()
            let thread = Thread { [self] in
                serve(fd, peer: address)
                lock.withLock { _ = connections.removeValue(forKey: fd) }
                close(fd)
                finished.leave()
            }
            thread.stackSize = 512 * 1024
            thread.start()
        }
    }

    private func setTimeout(_ fd: Int32, seconds: Int) {
        var time = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Reads and answers requests on one connection until it closes or times out.
    private func serve(_ fd: Int32, peer: String) {
        var buffer: [UInt8] = []
        var start = 0
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            setTimeout(fd, seconds: buffer.count > start ? readTimeout : idleTimeout)
            switch parser.parse(buffer[start...]) {
            case .request(var request, let consumed):
                start += consumed
                if start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
                request.peer = peer
                lock.withLock { connections[fd] = true }
                let response = handler(request)
                let stopping = lock.withLock { () -> Bool in connections[fd] = false; return self.stopping }
                let keepAlive = request.keepAlive && !stopping && response.status != 400
                guard send(fd, response.serialized(keepAlive: keepAlive, includeBody: request.method != "HEAD")), keepAlive else { return }
                continue
            case .refused(let status, let reason):
                _ = send(fd, Response.text(status, reason).serialized(keepAlive: false))
                lingeringClose(fd)
                return
            case .incomplete:
                break
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer += chunk[0..<n]
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && buffer.count > start {
                _ = send(fd, Response.text(408, "the request took too long").serialized(keepAlive: false))
            }
            return
        }
    }

    /// After a refusal the client may still be sending (a 10 MB body): closing at once would
    /// make the kernel reset the connection, and the client would lose our answer with it. So
    /// stop writing, then read and drop what still comes, for at most 2 seconds and 16 MiB.
    private func lingeringClose(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        var time = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var drop = [UInt8](repeating: 0, count: 64 * 1024)
        var dropped = 0
        let deadline = Date().addingTimeInterval(2)
        while dropped < 16 << 20, Date() < deadline {
            let n = drop.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { dropped += n; continue }
            if n < 0 && errno == EINTR { continue }
            break
        }
    }

    /// Writes everything, across partial writes and EINTR; false when the peer is gone.
    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }
}

/// The server could not start.
public struct ServerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
