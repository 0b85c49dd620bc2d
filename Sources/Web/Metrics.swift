import Foundation
import HTTP
import Store

/// Counts requests by method class and status, and reads stored responses and the mail queue
/// from the database, in the Prometheus text format (version 0.0.4).
final class Metrics: @unchecked Sendable {
    private let lock = NSLock()
    private struct Key: Hashable { let method: String; let status: Int }
    private var requests: [Key: Int] = [:]

    func count(method: String, _ response: Response) {
        let key = Key(method: method == "GET" || method == "HEAD" ? "GET" : method == "POST" ? "POST" : "other", status: response.status)
        lock.withLock { requests[key, default: 0] += 1 }
    }

    func render(_ pool: DatabasePool, _ writer: ResponseWriter) -> Response {
        var out = "# HELP mitreden_http_requests_total HTTP requests answered, by method and status.\n# TYPE mitreden_http_requests_total counter\n"
        for (key, count) in lock.withLock({ requests }).sorted(by: { ($0.key.method, $0.key.status) < ($1.key.method, $1.key.status) }) {
            out += "mitreden_http_requests_total{method=\"\(key.method)\",status=\"\(key.status)\"} \(count)\n"
        }
        guard let stored = try? pool.with({ try $0.metrics() }) else { return .text(503, "the database does not answer") }
        out += "# HELP mitreden_responses_stored Responses stored, by survey.\n# TYPE mitreden_responses_stored gauge\n"
        for (survey, count) in stored.responses { out += "mitreden_responses_stored{survey=\"\(survey)\"} \(count)\n" }
        out += "# HELP mitreden_mail Mails in the queue, by status (delivered, deferred, failed, unknown, queued, sending, cancelled).\n# TYPE mitreden_mail gauge\n"
        for (status, count) in stored.mail { out += "mitreden_mail{status=\"\(status)\"} \(count)\n" }
        let waiting = stored.mail.filter { ["queued", "deferred", "sending"].contains($0.status) }.map(\.count).reduce(0, +)
        out += "# HELP mitreden_mail_queue_length Mails waiting to be sent.\n# TYPE mitreden_mail_queue_length gauge\nmitreden_mail_queue_length \(waiting)\n"
        let (commits, restarts) = writer.times()
        out += Self.histogram("mitreden_commit_seconds", "Group commits of answers: their inserts and the commit's fsync.", commits)
        out += Self.histogram("mitreden_wal_restart_seconds", "Restarts of the write-ahead log between two group commits.", restarts)
        return Response(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: out)
    }

    /// A histogram (cumulative buckets, sum, count) and its longest duration as a gauge `…_longest`.
    static func histogram(_ name: String, _ help: String, _ h: DurationHistogram) -> String {
        var out = "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        var cumulative = 0
        for (i, count) in h.counts.enumerated() {
            cumulative += count
            let bound = i < DurationHistogram.bounds.count ? "\(DurationHistogram.bounds[i])" : "+Inf"
            out += "\(name)_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "\(name)_sum \(h.sum)\n\(name)_count \(cumulative)\n"
        let longest = name.replacingOccurrences(of: "_seconds", with: "_longest_seconds")
        out += "# HELP \(longest) The longest of them since the daemon started.\n# TYPE \(longest) gauge\n\(longest) \(h.longest)\n"
        return out
    }
}
