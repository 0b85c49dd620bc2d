import Foundation
import Glibc

/// One updating line on standard error for a long job (`send`, imports, exports), when standard
/// error is a terminal: how many of how many, the rate, and the time left. Nothing at all when it
/// is not a terminal (cron, pipes, the journal), so logs and scripts see only the result.
final class ProgressLine {
    private let label: String
    private let total: Int?
    private let enabled: Bool
    private let started = Date()
    private var shownAt: Date?

    init(_ label: String, total: Int?, terminal: Bool = isatty(2) == 1) {
        self.label = label
        self.total = total
        enabled = terminal
    }

    /// Shows `done` at once the first time, then at most five times a second.
    func update(_ done: Int) {
        guard enabled else { return }
        let now = Date()
        if let shownAt, now.timeIntervalSince(shownAt) < 0.2 { return }
        shownAt = now
        Console.write(2, "\r\u{1B}[K" + Self.text(label, done: done, total: total, seconds: now.timeIntervalSince(started)))
    }

    /// Clears the line, so that the job's result stands alone.
    func finish() {
        if enabled && shownAt != nil { Console.write(2, "\r\u{1B}[K") }
    }

    /// "send: 1,200 of 10,000 · 350/s · 0:25 left".
    static func text(_ label: String, done: Int, total: Int?, seconds: Double) -> String {
        var line = "\(label): \(grouped(done))" + (total.map { " of \(grouped($0))" } ?? "")
        guard seconds >= 0.5, done > 0 else { return line }
        let rate = Double(done) / seconds
        line += " · \(grouped(Int(rate.rounded())))/s"
        if let total, total > done {
            let left = Int((Double(total - done) / rate).rounded(.up))
            line += " · " + (left >= 3600 ? "\(left / 3600):" + String(format: "%02d:%02d", left % 3600 / 60, left % 60) : "\(left / 60):" + String(format: "%02d", left % 60)) + " left"
        }
        return line
    }

    private static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }
}
