import Foundation

/// Counts failures per client address in a fixed window (wrong access codes, wrong admin
/// tokens) and says when a client has had too many. Memory is bounded: at most `maxClients`
/// addresses are remembered; when full, windows that have ended are dropped, and while it is
/// still full a new address is not remembered (the limit holds per address, not against more
/// addresses than that within one window).
public final class RateLimiter: @unchecked Sendable {
    private let limit: Int
    private let window: TimeInterval
    private let maxClients: Int
    private let lock = NSLock()
    private var counts: [String: (start: Date, failures: Int)] = [:]
    private var sweptAt = Date.distantPast

    /// At most `limit` failures per client within `window` seconds.
    public init(limit: Int, window: TimeInterval, maxClients: Int = 100_000) {
        self.limit = limit
        self.window = window
        self.maxClients = maxClients
    }

    /// Seconds until `client` may try again, or nil when it may try now.
    public func retryAfter(_ client: String, now: Date = Date()) -> Int? {
        lock.withLock {
            guard let entry = counts[client], now.timeIntervalSince(entry.start) < window, entry.failures >= limit else { return nil }
            return max(1, Int((window - now.timeIntervalSince(entry.start)).rounded(.up)))
        }
    }

    /// Records one failure of `client`.
    public func fail(_ client: String, now: Date = Date()) {
        lock.withLock {
            if let entry = counts[client], now.timeIntervalSince(entry.start) < window {
                counts[client] = (entry.start, entry.failures + 1)
                return
            }
            if counts.count >= maxClients {
                // Ended windows are dropped at most ten times per window, so that a flood of new
                // addresses costs no scan of the whole table per request.
                if now.timeIntervalSince(sweptAt) >= window / 10 {
                    sweptAt = now
                    counts = counts.filter { now.timeIntervalSince($0.value.start) < window }
                }
                guard counts.count < maxClients else { return }
            }
            counts[client] = (now, 1)
        }
    }
}
