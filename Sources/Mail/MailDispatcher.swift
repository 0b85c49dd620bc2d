import CSystem
import Foundation
import Glibc
import Store

/// How the dispatcher sends.
public struct DispatchSettings: Sendable {
    /// Parallel connections (threads, each with its own transport).
    public var connections: Int
    /// Messages per second across all connections; 0 for no cap.
    public var rate: Int
    /// The first retry waits this long; each further one twice as long, at most an hour.
    public var retryBase: TimeInterval
    /// After this many attempts a deferred message counts as failed.
    public var maxAttempts: Int

    public init(connections: Int, rate: Int, retryBase: TimeInterval = 60, maxAttempts: Int = 30) {
        self.connections = connections
        self.rate = rate
        self.retryBase = retryBase
        self.maxAttempts = maxAttempts
    }

    /// Wait before attempt `attempts + 1`.
    public func backoff(afterAttempts attempts: Int) -> TimeInterval {
        min(retryBase * pow(2, Double(max(attempts - 1, 0))), 3600)
    }
}

/// What one delivery run did.
public struct DispatchSummary: Sendable, Equatable {
    public var delivered = 0
    public var deferred = 0
    public var failed = 0
    public var unknown = 0
}

/// Sends the due mail of the queue. One coordinator (the calling thread) owns the database:
/// it claims due mail, renders it and records outcomes in group commits; worker threads only
/// talk to the server, each over its own connection, under one shared rate limit. A reply
/// asking to slow down (421, 450, 451, 454) pauses the whole pool.
public final class MailDispatcher {
    let database: Database
    let renderer: MailRenderer
    let settings: DispatchSettings
    let makeTransport: @Sendable () -> MailTransport
    let owner = String(getpid())
    let log: @Sendable (String, KeyValuePairs<String, String>) -> Void

    public init(database: Database, renderer: MailRenderer, settings: DispatchSettings,
                makeTransport: @escaping @Sendable () -> MailTransport,
                log: @escaping @Sendable (String, KeyValuePairs<String, String>) -> Void) {
        self.database = database
        self.renderer = renderer
        self.settings = settings
        self.makeTransport = makeTransport
        self.log = log
    }

    /// Gives back mail claimed by processes that died, then sends everything due now.
    /// Returns when nothing due is left, or soon after `shouldStop` turns true (mail in
    /// flight is finished and recorded; mail not yet started goes back to the queue).
    /// `progress` is told the outcomes so far after each group of them is recorded.
    public func deliverDue(shouldStop: @escaping () -> Bool = { false }, progress: (DispatchSummary) -> Void = { _ in }) throws -> DispatchSummary {
        let released = try database.releaseAbandonedClaims { owner in
            guard let pid = pid_t(owner) else { return false }
            return kill(pid, 0) == 0 || errno == EPERM
        }
        if released > 0 { log("mail_claims_released", ["count": String(released), "note": "sent again; a message accepted just before a crash may arrive twice"]) }

        // The claims and outcomes touch a few MB of pages again and again: keep them in memory.
        try database.connection.execute("PRAGMA cache_size = -16384")
        // Rendered by this thread as they are claimed: a connection then never waits for
        // rendering between two messages (sending them all rendered once was 7 % faster).
        let jobs = WorkQueue<(mail: QueuedMail, message: Result<Message, Error>)>()
        let results = WorkQueue<(Int64, Int, DeliveryOutcome?)>()   // nil: not sent, the pool is paused
        let pool = Pool(rate: settings.rate)
        var threads: [Thread] = []
        let done = DispatchGroup()
        for _ in 0..<settings.connections {
            let make = makeTransport
            let log = self.log
            done.enter()
            let thread = Thread {
                mitreden_name_thread("mail-smtp")
                // Mail is background work: a reply arriving does not preempt the web threads or
                // the SMTP server on this machine. (Also 10 % faster against a local server: each
                // of these threads is woken four times per message.)
                _ = mitreden_batch_thread()
                let transport = make()
                while let (mail, rendered) = jobs.pop() {
                    if let until = pool.pausedUntil(), until > Date() {
                        results.push((mail.id, mail.attempts, nil))
                        continue
                    }
                    let message: Message
                    switch rendered {
                    case .success(let built): message = built
                    case .failure(let error):
                        log("mail_not_rendered", ["survey": mail.surveyID, "kind": mail.kind, "error": "\(error)"])
                        results.push((mail.id, mail.attempts, .deferred(reply: "not sent: \(error)", slowDown: false)))
                        continue
                    }
                    pool.waitForSlot()
                    results.push((mail.id, mail.attempts, transport.send(message)))
                }
                done.leave()
            }
            thread.start()
            threads.append(thread)
        }

        var summary = DispatchSummary()
        var inFlight = 0
        var buffer: [(Int64, QueueOutcome)] = []
        let window = max(256, settings.connections * 128)   // claimed, not yet sent: returned to the queue on stop
        var exhausted = false
        defer {
            jobs.close()
            done.wait()
        }
        // The first claim is small, so that the connections start while the rest is claimed.
        var firstClaim = true
        while true {
            if !exhausted && !shouldStop() && inFlight < window / 2 {
                let claimed = try database.claimDueMail(limit: firstClaim ? settings.connections * 4 : window - inFlight, owner: owner)
                if claimed.isEmpty { exhausted = true }
                jobs.push(contentsOf: claimed.map { mail in (mail, Result { try renderer.render(mail) }) })
                inFlight += claimed.count
                if firstClaim && !claimed.isEmpty {
                    firstClaim = false
                    continue
                }
            }
            if shouldStop() {
                for (mail, _) in jobs.drain() { buffer.append((mail.id, .postponed(until: Date()))); inFlight -= 1 }
            }
            if inFlight == 0 && (exhausted || shouldStop()) { break }
            // Group commit: after the first outcome, gather what arrives within 10 ms, then one
            // transaction (one fsync). The workers do not wake this thread for each outcome.
            for (id, attempts, outcome) in results.popBatch(waitingAtMost: 0.05, thenGathering: inFlight > 1 ? 0.01 : 0, max: 512) {
                inFlight -= 1
                buffer.append((id, record(outcome, attempts: attempts, pool: pool, summary: &summary)))
            }
            if !buffer.isEmpty {
                try database.recordOutcomes(buffer)
                buffer.removeAll(keepingCapacity: true)
                progress(summary)
            }
        }
        try database.recordOutcomes(buffer)
        return summary
    }

    /// The queue's record of one outcome; counts it and steers the pool's back-off.
    private func record(_ outcome: DeliveryOutcome?, attempts: Int, pool: Pool, summary: inout DispatchSummary) -> QueueOutcome {
        let now = Date()
        guard let outcome else { return .postponed(until: pool.pausedUntil() ?? now) }
        switch outcome {
        case .delivered(let reply):
            pool.succeeded()
            summary.delivered += 1
            return .delivered(reply: reply)
        case .deferred(let reply, let slowDown):
            if slowDown, let until = pool.pause(base: settings.retryBase) {
                log("mail_pool_paused", ["until": Database.now(until), "reply": reply])
            }
            if attempts >= settings.maxAttempts {
                summary.failed += 1
                return .failed(reply: "gave up after \(attempts) attempts; last reply: \(reply)", code: Int(reply.prefix(3)))
            }
            summary.deferred += 1
            return .deferred(reply: reply, code: Int(reply.prefix(3)), retryAt: now.addingTimeInterval(settings.backoff(afterAttempts: attempts)))
        case .failed(let reply):
            summary.failed += 1
            return .failed(reply: reply, code: Int(reply.prefix(3)))
        case .unknown(let reason):
            summary.unknown += 1
            log("mail_outcome_unknown", ["reason": reason])
            return .unknown(reason: reason)
        }
    }
}

/// The shared state of the worker threads: the rate limit and the pool's pause.
final class Pool: @unchecked Sendable {
    private let lock = NSLock()
    private let interval: TimeInterval
    private var nextSlot = Date.distantPast
    private var paused: Date?
    private var pauses = 0

    init(rate: Int) {
        interval = rate > 0 ? 1.0 / Double(rate) : 0
    }

    /// Waits until this thread may send the next message under the rate cap.
    func waitForSlot() {
        guard interval > 0 else { return }
        let slot: Date = lock.withLock {
            let slot = max(Date(), nextSlot)
            nextSlot = slot.addingTimeInterval(interval)
            return slot
        }
        let wait = slot.timeIntervalSinceNow
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
    }

    func pausedUntil() -> Date? { lock.withLock { paused } }

    /// Pauses the pool; each consecutive pause is twice as long, at most 15 minutes. While a
    /// pause runs, the failures of messages that were already in flight do not lengthen it
    /// (twenty connections failing at once are one outage, not twenty). Returns the new end of
    /// the pause, or nil when one was already running.
    func pause(base: TimeInterval) -> Date? {
        lock.withLock {
            let now = Date()
            if let paused, paused > now { return nil }
            pauses += 1
            paused = now.addingTimeInterval(min(base * pow(2, Double(pauses - 1)), 900))
            return paused
        }
    }

    func succeeded() { lock.withLock { pauses = 0 } }
}

/// A blocking FIFO between threads.
final class WorkQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0
    private var closed = false

    func push(_ item: Element) {
        push(contentsOf: CollectionOfOne(item))
    }

    func push<Items: Collection>(contentsOf newItems: Items) where Items.Element == Element {
        guard !newItems.isEmpty else { return }
        condition.lock()
        items.append(contentsOf: newItems)
        if newItems.count == 1 { condition.signal() } else { condition.broadcast() }
        condition.unlock()
    }

    /// The next item; waits for one, or returns nil once the queue is closed and empty.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed { condition.wait() }
        return take()
    }

    /// Waits at most `timeout` seconds for a first item; then lets `gather` seconds pass
    /// without waking for each further item, and returns up to `max` items.
    func popBatch(waitingAtMost timeout: TimeInterval, thenGathering gather: TimeInterval, max: Int) -> [Element] {
        condition.lock()
        if head == items.count { _ = condition.wait(until: Date().addingTimeInterval(timeout)) }
        let any = head < items.count
        condition.unlock()
        guard any else { return [] }
        if gather > 0 { usleep(useconds_t(gather * 1_000_000)) }
        condition.lock()
        defer { condition.unlock() }
        var batch: [Element] = []
        while batch.count < max, let item = take() { batch.append(item) }
        return batch
    }

    /// Everything not yet taken.
    func drain() -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        let rest = Array(items[head...])
        items.removeAll()
        head = 0
        return rest
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func take() -> Element? {
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }
}
