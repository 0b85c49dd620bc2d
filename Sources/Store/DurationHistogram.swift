import Glibc

/// Durations counted in the buckets of a Prometheus histogram, with their sum and the longest.
/// The group commit keeps one for its commits and one for its WAL restarts: when answers come
/// back slowly, they tell an operator whether the disk is the cause.
public struct DurationHistogram: Sendable {
    /// Upper bounds in seconds; a last bucket holds what lies above them all.
    public static let bounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
    /// Per bucket, not cumulative.
    public private(set) var counts = [Int](repeating: 0, count: bounds.count + 1)
    public private(set) var sum = 0.0
    public private(set) var longest = 0.0

    public init() {}

    public var count: Int { counts.reduce(0, +) }

    public mutating func record(_ seconds: Double) {
        counts[Self.bounds.firstIndex { seconds <= $0 } ?? Self.bounds.count] += 1
        sum += seconds
        longest = max(longest, seconds)
    }

    /// Seconds on the monotonic clock, to time with.
    public static func clock() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
