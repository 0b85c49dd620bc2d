import Foundation

/// Counts failures per client address in a fixed window (wrong access codes, wrong admin
/// tokens) and says when a client has had too many. Memory is bounded: at most `maxClients`
/// addresses are remembered; when full, windows that have ended are dropped first, then the
/// oldest.
public final class RateLimiter: @unchecked Sendable {
    private let limit: Int
    private let window: TimeInterval
    private let maxClients: Int
    private let lock = NSLock()
    private var counts: [String: (start: Date, failures: Int)] = [:]

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
                counts = counts.filter { now.timeIntervalSince($0.value.start) < window }
                if counts.count >= maxClients, let oldest = counts.min(by: { $0.value.start < $1.value.start })?.key { counts[oldest] = nil }
            }
            counts[client] = (now, 1)
        }
    }
}
