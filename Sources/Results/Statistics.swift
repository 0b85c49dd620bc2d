/// The statistics of SPEC.md's results document.
enum Statistics {
    /// Rounded to `places` decimals, halves away from zero.
    static func round(_ x: Double, _ places: Int) -> Double {
        var factor = 1.0
        for _ in 0..<places { factor *= 10 }
        return (x * factor).rounded(.toNearestOrAwayFromZero) / factor
    }

    static func mean(_ xs: [Double]) -> Double? { xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count) }

    /// The middle value; of an even count, the mean of the middle two. `sorted` must be sorted.
    static func median(_ sorted: [Double]) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    /// The sample standard deviation (n − 1); nil for fewer than two values.
    static func standardDeviation(_ xs: [Double]) -> Double? {
        guard xs.count > 1, let m = mean(xs) else { return nil }
        return (xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)).squareRoot()
    }

    /// The p-quantile with linear interpolation (R's type 7). `sorted` must be sorted.
    static func quantile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * p
        let low = Int(h.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
    }

    /// `count` as a percent of `of`, one decimal.
    static func percent(_ count: Int, of total: Int) -> Double {
        total == 0 ? 0 : round(Double(count) * 100 / Double(total), 1)
    }
}
