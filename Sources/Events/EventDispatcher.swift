import CSystem
import Crypto
import Foundation
import Store

/// Delivers the queued events: each a POST signed by the Standard Webhooks scheme with the
/// event's webhook-id (the same on every attempt), a fresh timestamp and signature. A 2xx ends
/// it; anything else is tried again after about 1 s, 5 s, 30 s, 2 min, 10 min, then hourly,
/// until 24 hours after the event, then it is marked failed. Runs on threads of its own with a
/// connection of its own; a slow or silent endpoint delays only its own events.
public final class EventDispatcher: @unchecked Sendable {
    let directory: String
    let signer: StandardWebhooks
    let guardrail: EndpointGuard
    /// Milliseconds an attempt may take.
    let timeout: Int
    let workers: Int
    private let finished = DispatchSemaphore(value: 0)

    public static let delays: [TimeInterval] = [1, 5, 30, 120, 600]
    public static let giveUpAfter: TimeInterval = 24 * 3600

    public init?(directory: String, secret: String, allowPrivate: Bool, timeoutMilliseconds: Int = 10_000, workers: Int = 4) {
        guard let signer = StandardWebhooks(secret: secret) else { return nil }
        self.directory = directory
        self.signer = signer
        guardrail = EndpointGuard(allowPrivate: allowPrivate)
        timeout = timeoutMilliseconds
        self.workers = workers
        EventPost.library
    }

    /// When to try again after `attempts` failed attempts of an event created at `created`; nil: give up.
    public static func retryAt(attempts: Int, created: Date, now: Date) -> Date? {
        let delay = attempts <= delays.count ? delays[attempts - 1] : 3600
        let next = now.addingTimeInterval(delay)
        return next.timeIntervalSince(created) <= giveUpAfter ? next : nil
    }

    /// Starts the delivery thread; it stops when `shouldStop` says so, after the attempts in flight.
    public func start(shouldStop: @escaping @Sendable () -> Bool, log: @escaping @Sendable (String, [(String, String)]) -> Void) {
        let thread = Thread { [self] in
            mitreden_name_thread("events")
            run(shouldStop: shouldStop, log: log)
            finished.signal()
        }
        thread.start()
    }

    public func wait() { finished.wait() }

    private func run(shouldStop: @escaping @Sendable () -> Bool, log: @escaping @Sendable (String, [(String, String)]) -> Void) {
        let database: Database
        do {
            database = try Database(directory: directory)
            try database.releaseSendingEvents()
        } catch {
            log("events_stopped", [("error", "\(error)")])
            return
        }
        let posts = (0..<workers).map { _ in EventPost() }
        while !shouldStop() {
            let batch = (try? database.claimDueEvents(limit: workers)) ?? []
            if batch.isEmpty {
                Thread.sleep(forTimeInterval: 0.2)
                continue
            }
            let results = Attempts(count: batch.count)
            DispatchQueue.concurrentPerform(iterations: batch.count) { i in
                results.set(i, deliver(batch[i], with: posts[i]))
            }
            let now = Date()
            for (event, outcome) in zip(batch, results.values) {
                let retry = outcome.delivered ? nil : Self.retryAt(attempts: event.attempts, created: event.createdAt, now: now)
                do {
                    try database.recordEventAttempt(id: event.id, delivered: outcome.delivered, error: outcome.error, retryAt: retry, now: now)
                } catch {
                    log("events_error", [("error", "\(error)")])
                }
                if !outcome.delivered {
                    log(retry == nil ? "event_failed" : "event_retry", [("webhook_id", event.webhookID), ("attempt", String(event.attempts)),
                                                                       ("error", outcome.error ?? "")])
                }
            }
        }
    }

    struct Outcome: Sendable {
        var delivered: Bool
        var error: String?
    }

    final class Attempts: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [Outcome]
        init(count: Int) { values = Array(repeating: Outcome(delivered: false, error: nil), count: count) }
        func set(_ i: Int, _ value: Outcome) { lock.lock(); values[i] = value; lock.unlock() }
    }

    func deliver(_ event: QueuedEvent, with post: EventPost) -> Outcome {
        let pinned: (host: String, port: Int, address: String)
        do {
            pinned = try guardrail.check(event.url)
        } catch {
            return Outcome(delivered: false, error: "\(error)")
        }
        let body = Array(event.body.utf8)
        let timestamp = Int(Date().timeIntervalSince1970)
        let headers = [("Content-Type", "application/json"), ("webhook-id", event.webhookID), ("webhook-timestamp", String(timestamp)),
                       ("webhook-signature", signer.sign(id: event.webhookID, timestamp: timestamp, body: body))]
        switch post.post(event.url, pinned: pinned, headers: headers, body: body, timeout: timeout) {
        case .success(let status) where (200..<300).contains(status): return Outcome(delivered: true, error: nil)
        case .success(let status): return Outcome(delivered: false, error: "HTTP \(status)")
        case .failure(let error): return Outcome(delivered: false, error: error.description)
        }
    }
}
