import CSystem
import Foundation
import Glibc

/// An HTTP/1.1 server on a TCP socket: one event loop (epoll) per core, each accepting from the
/// shared listening socket and serving its connections without a thread per connection.
/// Persistent connections and pipelining (answers in order, no further request dispatched while
/// `maxPendingOutputBytes` of answers wait for a client that does not read); a request's head
/// must arrive within `readTimeout` seconds in all, its body at `minBodyBytesPerSecond`;
/// at most `maxConnections` at once and `maxConnectionsPerClient` from one address (beyond
/// that a 503); writes survive EINTR and partial sends; SIGPIPE never fires (MSG_NOSIGNAL). A handler answers through its
/// `Responder`, at once or later from another thread; while a request waits for its answer, the
/// connection's further requests wait. `stop()` stops accepting, lets requests in progress finish,
/// and closes idle connections.
public final class Server: @unchecked Sendable {
    public typealias Handler = @Sendable (Request, Responder) -> Void

    let host: String
    let requestedPort: UInt16
    let handler: Handler
    public var maxConnections = 2048
    /// Connections one client address may hold: a slow client cannot take every place. Trusted
    /// proxies are not counted (they carry many clients).
    public var maxConnectionsPerClient = 256
    /// Addresses of reverse proxies whose `X-Forwarded-For` names the client (`Request.client`).
    public var trustedProxies: Set<String> = ["127.0.0.1"]
    /// Seconds a client may take for a whole request head (however it drips it), or between two
    /// parts of our answer it takes; and may stay idle between requests.
    public var readTimeout = 10
    public var idleTimeout = 30
    /// The slowest a body may come: its deadline is `readTimeout` plus its size at this rate.
    public var minBodyBytesPerSecond = 16 * 1024
    /// Answers waiting for a client beyond this: its further requests wait until it reads.
    public var maxPendingOutputBytes = 64 * 1024
    /// Pipelined requests one connection may have answered before the others' turn.
    public var requestsPerTurn = 16
    public var parser = RequestParser()
    /// Event loops (threads); one per core by default.
    public var loopCount = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 16))

    private(set) var listener: Int32 = -1
    private var loops: [EventLoop] = []
    private let lock = NSLock()
    private var open = 0
    private var openByClient: [String: Int] = [:]
    private let finished = DispatchGroup()

    /// A server whose handler answers every request at once.
    public convenience init(host: String, port: UInt16, handler: @escaping @Sendable (Request) -> Response) {
        self.init(host: host, port: port, respond: { request, responder in responder.send(handler(request)) })
    }

    public init(host: String, port: UInt16, respond: @escaping Handler) {
        self.host = host
        requestedPort = port
        handler = respond
    }

    /// Binds and starts the event loops; returns the port (useful with port 0).
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
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
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
        for index in 0..<loopCount {
            let loop = try EventLoop(server: self)
            loops.append(loop)
            finished.enter()
            let thread = Thread { [self] in
                mitreden_name_thread("http-loop-\(index)")
                loop.run()
                finished.leave()
            }
            thread.start()
        }
        return UInt16(bigEndian: actual.sin_port)
    }

    /// Stops accepting, waits for requests in progress (at most `timeout` seconds), closes the rest.
    public func stop(timeout: TimeInterval = 10) {
        shutdown(listener, Int32(SHUT_RDWR))
        for loop in loops { loop.requestStop() }
        if finished.wait(timeout: .now() + timeout) == .success, listener >= 0 {
            close(listener)
            listener = -1
        }
    }

    /// Admits one more connection unless the server, or the client's share of it, is full;
    /// nil when admitted, else the reason.
    func admit(_ peer: String) -> String? {
        lock.withLock {
            guard open < maxConnections else { return "too many connections; try again shortly" }
            if !trustedProxies.contains(peer) {
                let held = openByClient[peer, default: 0]
                guard held < maxConnectionsPerClient else { return "too many connections from your address; close some and try again" }
                openByClient[peer] = held + 1
            }
            open += 1
            return nil
        }
    }

    func release(_ peer: String) {
        lock.withLock {
            open -= 1
            if let held = openByClient[peer] {
                if held <= 1 { openByClient[peer] = nil } else { openByClient[peer] = held - 1 }
            }
        }
    }
}

/// The server could not start.
public struct ServerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
