import CSystem
import Foundation
import Glibc

/// One thread's epoll loop: accepts, reads, parses, dispatches, writes, times out.
final class EventLoop: @unchecked Sendable {
    private unowned let server: Server
    private let epoll: Int32
    private let wake: Int32
    private let parser: RequestParser
    private let readTimeout: UInt64
    private let idleTimeout: UInt64
    private let minBodyBytesPerSecond: UInt64
    private let maxPendingOutput: Int
    private let requestsPerTurn: Int
    /// Connections that used up their turn with requests still waiting: served again after the
    /// others' events, so that one pipelining client cannot hold the loop.
    private var ready: [Connection] = []
    private let trustedProxies: Set<String>
    /// Large buffers were given back since the last sweep: return free memory to the system.
    private var released = false
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
        minBodyBytesPerSecond = UInt64(max(1, server.minBodyBytesPerSecond))
        maxPendingOutput = server.maxPendingOutputBytes
        requestsPerTurn = max(1, server.requestsPerTurn)
        trustedProxies = server.trustedProxies
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
            let timeout = !ready.isEmpty ? 0 : acceptPausedUntil > 0 ? 100 : 1000
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
            let again = ready
            ready.removeAll(keepingCapacity: true)
            for connection in again where !connection.closed && !connection.awaiting { process(connection) }
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
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            inet_ntop(AF_INET, &peer.sin_addr, &text, socklen_t(INET_ADDRSTRLEN))
            let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let refusal = server.admit(address) {
                let answer = Response.text(503, refusal).serialized(keepAlive: false)
                _ = answer.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(fd)
                continue
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let connection = Connection(fd: fd, peer: address, peerIsTrustedProxy: trustedProxies.contains(address))
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
            // Requests held back while the client's answers piled up go on once they are taken.
            if !connection.awaiting && !connection.hasOutput && connection.hasPartialRequest && !connection.lingering {
                process(connection)
                if connection.closed { return }
            }
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

    /// Enough unanswered input to stop reading: a body being read may grow to the largest
    /// request the parser accepts; anything else (pipelined requests, or a connection waiting
    /// for its handler or for the client to take its answers) to one read.
    private func inputFull(_ connection: Connection) -> Bool {
        let unread = connection.input.count - connection.start
        let waiting = connection.awaiting || connection.pendingOutput >= maxPendingOutput
        return unread >= (connection.progress.readingBody && !waiting ? parser.maxRequestBytes : chunk.count)
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
                // Parsed after every read: a request over its limits is refused after at most
                // one read past them, not after a megabyte more.
                connection.input.append(contentsOf: chunk[0..<n])
                break
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

    /// Answers the complete requests in the input, in order, until one must wait for its
    /// handler, or for the client to take the answers already waiting.
    private func process(_ connection: Connection) {
        var turn = 0
        while !connection.awaiting && !connection.closeAfterWrite {
            if turn == requestsPerTurn {
                ready.append(connection)
                break
            }
            turn += 1
            if connection.pendingOutput >= maxPendingOutput {
                flush(connection)
                if connection.closed || connection.hasOutput { return }
            }
            switch parser.parse(connection.input[connection.start...], &connection.progress) {
            case .request(var request, let consumed):
                connection.start += consumed
                connection.phase = .idle
                request.peer = connection.peer
                request.peerIsTrustedProxy = connection.peerIsTrustedProxy
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
                setDeadline(connection)
                flush(connection)
                return
            }
        }
        compact(connection)
        flush(connection)
    }

    /// A request's head has `readTimeout` in all from its first byte, however slowly it drips
    /// (slowloris); its body that plus its length at `minBodyBytesPerSecond`.
    private func setDeadline(_ connection: Connection) {
        let now = Self.now()
        if !connection.hasPartialRequest {
            connection.phase = .idle
            connection.deadline = now + idleTimeout
        } else if connection.phase == .idle {
            connection.phase = .head
            connection.deadline = now + readTimeout
        }
        if connection.phase == .head && connection.progress.readingBody {
            connection.phase = .body
            let bytes = UInt64(connection.progress.declaredBodyBytes ?? parser.maxBodyBytes)
            connection.deadline = now + readTimeout + bytes * 1000 / minBodyBytesPerSecond
        }
    }

    private func compact(_ connection: Connection) {
        if connection.start == connection.input.count {
            if connection.input.capacity > 16 * 1024 {
                connection.input = []
                released = true
            } else {
                connection.input.removeAll(keepingCapacity: true)
            }
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
        if connection.output.capacity > 16 * 1024 {
            connection.output = []
            released = true
        } else {
            connection.output.removeAll(keepingCapacity: true)
        }
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
        setInterest(connection, (connection.awaiting && connection.endOfInput) || inputFull(connection) ? 0 : MITREDEN_EPOLLIN)
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
        server.release(connection.peer)
        if connection.input.capacity > 16 * 1024 || connection.output.capacity > 16 * 1024 { released = true }
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
        if released {
            // After a burst of large requests or answers, freed memory goes back to the system
            // instead of staying with the allocator.
            released = false
            mitreden_release_free_memory()
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
