import Foundation
import Testing
import Web

@Suite("Failures per client address")
struct RateLimiterTests {
    @Test("the limit holds per address for its window; a full table drops ended windows and remembers no more")
    func limits() {
        let limiter = RateLimiter(limit: 3, window: 60, maxClients: 4)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for _ in 0..<3 { limiter.fail("a", now: start) }
        #expect(limiter.retryAfter("a", now: start.addingTimeInterval(10)) == 50)
        #expect(limiter.retryAfter("a", now: start.addingTimeInterval(61)) == nil, "the window ended")
        for name in ["b", "c", "d"] { limiter.fail(name, now: start) }
        // Full: a fifth address is not remembered while every window runs.
        for _ in 0..<5 { limiter.fail("e", now: start.addingTimeInterval(1)) }
        #expect(limiter.retryAfter("e", now: start.addingTimeInterval(2)) == nil)
        #expect(limiter.retryAfter("a", now: start.addingTimeInterval(2)) == 58, "the known ones keep their count")
        // Once the windows have ended they make room.
        for _ in 0..<3 { limiter.fail("e", now: start.addingTimeInterval(70)) }
        #expect(limiter.retryAfter("e", now: start.addingTimeInterval(71)) == 59)
    }
}
