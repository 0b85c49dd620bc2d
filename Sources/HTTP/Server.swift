import CSystem
import Foundation
import Glibc

/// An HTTP/1.1 server on a TCP socket: one event loop (epoll) per core, each accepting from the
/// shared listening socket and serving its connections without a thread per connection.
/// Persistent connections and pipelining (answers in order); slow or idle clients are cut off
/// after timeouts; at most `maxConnections` at once (beyond that a 503); writes survive EINTR
/// and partial sends; SIGPIPE never fires (MSG_NOSIGNAL). A handler answers through its
/// `Responder`, at once or later from another thread; while a request waits for its answer, the
/// connection's further requests wait. `stop()` stops accepting, lets requests in progress finish,
/// and closes idle connections.
public final class Server: @unchecked Sendable {
    public typealias Handler = @Sendable (Request, Responder) -> Void

    let host: String
    let requestedPort: UInt16
    let handler: Handler
    public var maxConnections = 2048
    /// Seconds a client may take between bytes of a request (or to take our answer), and may stay idle between requests.
    public var readTimeout = 10
    public var idleTimeout = 30
    public var parser = RequestParser()
    /// Event loops (threads); one per core by default.
    public var loopCount = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 16))

    private(set) var listener: Int32 = -1
    private var loops: [EventLoop] = []
    private let lock = NSLock()
    private var open = 0
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

    /// Admits one more connection unless the server is full.
    func admit() -> Bool {
        lock.withLock {
            guard open < maxConnections else { return false }
            open += 1
            return true
        }
    }

    func release() {
        lock.withLock { open -= 1 }
    }
}

/// The server could not start.
public struct ServerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// One connection's state; touched only by its loop's thread (a handler on another thread holds it
/// only to name where its answer goes).
final class Connection: @unchecked Sendable {
    let fd: Int32
    let peer: String
    var input: [UInt8] = []
    var start = 0
    var output: [UInt8] = []
    var written = 0
    /// A handler has the current request and has not answered yet.
    var awaiting = false
    var head = false
    var keepAlive = true
    /// The client closed its side: answer what was read, then close.
    var endOfInput = false
    var closeAfterWrite = false
    /// After a refusal: discard what still comes until `deadline`, then close.
    var lingering = false
    var lingered = 0
    var deadline: UInt64 = 0
    var interest: UInt32 = 0
    var closed = false

    init(fd: Int32, peer: String) {
        self.fd = fd
        self.peer = peer
    }

    var hasPartialRequest: Bool { input.count > start }
    var hasOutput: Bool { written < output.count }
}

/// One thread's epoll loop: accepts, reads, parses, dispatches, writes, times out.
final class EventLoop: @unchecked Sendable {
    private unowned let server: Server
    private let epoll: Int32
    private let wake: Int32
    private let parser: RequestParser
    private let readTimeout: UInt64
    private let idleTimeout: UInt64
    private var connections: [Int32: Connection] = [:]
    private var stopping = false
    private var acceptPausedUntil: UInt64 = 0
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    /// Shared with other threads, under `lock`: answers that arrived later, and the stop request.
    private let lock = NSLock()
    private var arrived: [(Connection, Response)] = []
    private var stopRequested = false
    /// The loop has ended and closed its descriptors: late answers go nowhere.
    private var ended = false
    /// While a handler runs on this loop: the connection and the answer it gave at once, if any.
    private var dispatching: Connection?
    private var immediate: Response?

    init(server: Server) throws {
        self.server = server
        parser = server.parser
        readTimeout = UInt64(server.readTimeout) * 1000
        idleTimeout = UInt64(server.idleTimeout) * 1000
        epoll = mitreden_epoll_create()
        wake = mitreden_eventfd()
        guard epoll >= 0, wake >= 0 else { throw ServerError(message: "epoll: \(String(cString: strerror(errno)))") }
        _ = mitreden_epoll_ctl(epoll, MITREDEN_EPOLL_CTL_ADD, wake, MITREDEN_EPOLLIN, UInt64(wake))
        _ = mitreden_epoll_ctl(epoll, MITREDEN_EPOLL_CTL_ADD, server.listener, MITREDEN_EPOLLIN | MITREDEN_EPOLLEXCLUSIVE, UInt64(server.listener))
    }

    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1000 + UInt64(time.tv_nsec) / 1_000_000
    }

    func requestStop() {
        lock.withLock {
            stopRequested = true
            signal()
        }
    }

    /// Wakes the loop; called under `lock`, so that it never writes to a descriptor the ended loop closed.
    private func signal() {
        guard !ended else { return }
        var one: UInt64 = 1
        _ = write(wake, &one, 8)
    }

    func run() {
        var events = [mitreden_epoll_event](repeating: mitreden_epoll_event(), count: 256)
        var nextSweep = Self.now() + 1000
        while !(stopping && connections.isEmpty) {
            let timeout = acceptPausedUntil > 0 ? 100 : 1000
            let n = mitreden_epoll_wait(epoll, &events, Int32(events.count), Int32(timeout))
            for i in 0..<max(0, Int(n)) {
                let fd = Int32(truncatingIfNeeded: events[i].data)
                if fd == server.listener {
                    acceptAll()
                } else if fd == wake {
                    var count: UInt64 = 0
                    _ = read(wake, &count, 8)
                } else if let connection = connections[fd] {
                    handle(connection, events[i].events)
                }
            }
            deliverArrived()
            if lock.withLock({ stopRequested }) && !stopping { beginStop() }
            let now = Self.now()
            if acceptPausedUntil > 0 && now >= acceptPausedUntil && !stopping {
                acceptPausedUntil = 0
                _ = mitreden_epoll_ctl(epoll, MITREDEN_EPOLL_CTL_ADD, server.listener, MITREDEN_EPOLLIN | MITREDEN_EPOLLEXCLUSIVE, UInt64(server.listener))
            }
            if now >= nextSweep {
                sweep(now)
                nextSweep = now + 1000
            }
        }
        lock.withLock { ended = true }
        close(epoll)
        close(wake)
    }

    // MARK: accepting

    private func acceptAll() {
        while !stopping {
            var peer = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let flags = Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
            let fd = withUnsafeMutablePointer(to: &peer) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { mitreden_accept4(server.listener, $0, &length, flags) } }
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE {
                    // Out of descriptors: stop accepting for a moment instead of spinning on the listener.
                    _ = mitreden_epoll_ctl(epoll, MITREDEN_EPOLL_CTL_DEL, server.listener, 0, 0)
                    acceptPausedUntil = Self.now() + 100
                }
                return
            }
            guard server.admit() else {
                let refusal = Response.text(503, "too many connections; try again shortly").serialized(keepAlive: false)
                _ = refusal.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(fd)
                continue
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            inet_ntop(AF_INET, &peer.sin_addr, &text, socklen_t(INET_ADDRSTRLEN))
            let connection = Connection(fd: fd, peer: String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            connection.deadline = Self.now() + idleTimeout
            connections[fd] = connection
            setInterest(connection, MITREDEN_EPOLLIN, add: true)
        }
    }

    // MARK: reading and answering

    private func handle(_ connection: Connection, _ events: UInt32) {
        if events & MITREDEN_EPOLLOUT != 0 {
            flush(connection)
            if connection.closed { return }
        }
        if events & (MITREDEN_EPOLLHUP | MITREDEN_EPOLLERR) != 0 && connection.awaiting {
            // The client is gone while its answer is pending: what it sent is still handled,
            // only the answer has nowhere to go.
            return finish(connection)
        }
        if events & (MITREDEN_EPOLLIN | MITREDEN_EPOLLHUP | MITREDEN_EPOLLERR) != 0 {
            readAvailable(connection)
        }
    }

    /// Unanswered input beyond the largest request the parser accepts.
    private func inputFull(_ connection: Connection) -> Bool {
        connection.input.count - connection.start > parser.maxBodyBytes + parser.maxHeaderBytes
    }

    private func readAvailable(_ connection: Connection) {
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                if connection.lingering {
                    connection.lingered += n
                    if connection.lingered > 16 << 20 { return finish(connection) }
                    continue
                }
                connection.input.append(contentsOf: chunk[0..<n])
                if n < chunk.count || inputFull(connection) { break }
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            if n < 0 || connection.lingering { return finish(connection) }
            connection.endOfInput = true
            break
        }
        if connection.lingering { return }
        if connection.awaiting {
            // A pipelining client's next requests are read and held while an answer is pending
            // (reading stays on, so a plain request costs no epoll changes); at the end of its
            // input or a full buffer, reading pauses until the answer is out.
            if connection.endOfInput || inputFull(connection) { setInterest(connection, 0) }
            return
        }
        process(connection)
    }

    /// Answers the complete requests in the input, in order, until one must wait.
    private func process(_ connection: Connection) {
        while !connection.awaiting && !connection.closeAfterWrite {
            switch parser.parse(connection.input[connection.start...]) {
            case .request(var request, let consumed):
                connection.start += consumed
                request.peer = connection.peer
                connection.awaiting = true
                connection.head = request.method == "HEAD"
                connection.keepAlive = request.keepAlive
                lock.withLock { dispatching = connection }
                server.handler(request, Responder { [self] response in answer(connection, response) })
                let answered = lock.withLock { () -> Response? in
                    dispatching = nil
                    defer { immediate = nil }
                    return immediate
                }
                if let answered { append(answered, to: connection) }
            case .refused(let status, let reason):
                Response.text(status, reason).write(into: &connection.output, keepAlive: false)
                connection.closeAfterWrite = true
                connection.lingering = true
            case .incomplete:
                if connection.endOfInput {
                    // Nothing more will come: answer what was complete, then close.
                    connection.closeAfterWrite = true
                    connection.input = []
                    connection.start = 0
                    return flush(connection)
                }
                compact(connection)
                connection.deadline = Self.now() + (connection.hasPartialRequest ? readTimeout : idleTimeout)
                flush(connection)
                return
            }
        }
        compact(connection)
        flush(connection)
    }

    private func compact(_ connection: Connection) {
        if connection.start == connection.input.count {
            if connection.input.capacity > 16 * 1024 { connection.input = [] } else { connection.input.removeAll(keepingCapacity: true) }
            connection.start = 0
        } else if connection.start > 64 * 1024 {
            connection.input.removeFirst(connection.start)
            connection.start = 0
        }
    }

    /// A handler's answer, from any thread.
    private func answer(_ connection: Connection, _ response: Response) {
        lock.withLock {
            if ended { return }
            if dispatching === connection && immediate == nil {
                immediate = response
                return
            }
            // One wake-up per batch: the loop takes everything that arrived when it wakes.
            arrived.append((connection, response))
            if arrived.count == 1 { signal() }
        }
    }

    private func deliverArrived() {
        let ready: [(Connection, Response)] = lock.withLock {
            defer { arrived.removeAll(keepingCapacity: true) }
            return arrived
        }
        for (connection, response) in ready where !connection.closed {
            append(response, to: connection)
            process(connection)
        }
    }

    private func append(_ response: Response, to connection: Connection) {
        connection.awaiting = false
        let keepAlive = connection.keepAlive && !stopping && response.status != 400
        response.write(into: &connection.output, keepAlive: keepAlive, includeBody: !connection.head)
        if !keepAlive { connection.closeAfterWrite = true }
    }

    /// Writes what is waiting; when all is written, closes if asked to, or waits for the next request.
    private func flush(_ connection: Connection) {
        while connection.hasOutput {
            let n = connection.output.withUnsafeBytes {
                send(connection.fd, $0.baseAddress! + connection.written, $0.count - connection.written, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                connection.written += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                connection.deadline = Self.now() + readTimeout
                setInterest(connection, MITREDEN_EPOLLOUT)
                return
            }
            return finish(connection)
        }
        // Keep small buffers for the next request; give large ones back (2,048 idle connections add up).
        if connection.output.capacity > 16 * 1024 { connection.output = [] } else { connection.output.removeAll(keepingCapacity: true) }
        connection.written = 0
        if connection.closeAfterWrite {
            guard connection.lingering else { return finish(connection) }
            // The client may still be sending (a 10 MB body): closing at once would make the
            // kernel reset the connection and the client lose our answer. Stop writing, then
            // read and drop what comes, for at most 2 seconds and 16 MiB.
            shutdown(connection.fd, Int32(SHUT_WR))
            connection.deadline = Self.now() + 2000
            connection.input = []
            connection.start = 0
            setInterest(connection, MITREDEN_EPOLLIN)
            return
        }
        setInterest(connection, connection.awaiting && (connection.endOfInput || inputFull(connection)) ? 0 : MITREDEN_EPOLLIN)
    }

    private func setInterest(_ connection: Connection, _ interest: UInt32, add: Bool = false) {
        guard add || interest != connection.interest else { return }
        connection.interest = interest
        _ = mitreden_epoll_ctl(epoll, add ? MITREDEN_EPOLL_CTL_ADD : MITREDEN_EPOLL_CTL_MOD, connection.fd, interest, UInt64(connection.fd))
    }

    private func finish(_ connection: Connection) {
        guard !connection.closed else { return }
        connection.closed = true
        connections.removeValue(forKey: connection.fd)
        close(connection.fd)
        server.release()
    }

    // MARK: time and stopping

    /// Cuts off clients past their deadline: a half-sent request gets 408, an idle connection is closed.
    private func sweep(_ now: UInt64) {
        for connection in Array(connections.values) where !connection.awaiting && now >= connection.deadline {
            if connection.hasPartialRequest && !connection.hasOutput && !connection.lingering {
                Response.text(408, "the request took too long").write(into: &connection.output, keepAlive: false)
                connection.closeAfterWrite = true
                connection.input = []
                connection.start = 0
                flush(connection)
                finish(connection)
            } else {
                finish(connection)
            }
        }
    }

    private func beginStop() {
        stopping = true
        _ = mitreden_epoll_ctl(epoll, MITREDEN_EPOLL_CTL_DEL, server.listener, 0, 0)
        for connection in Array(connections.values) {
            if connection.awaiting || connection.hasOutput {
                connection.keepAlive = false
            } else {
                finish(connection)
            }
        }
    }
}
