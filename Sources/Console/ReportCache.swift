import Foundation
import JSON
import Store
import Survey

/// The survey page's report (`results --format html`, or `--compare`) as last rendered, kept
/// while nothing it is computed from has changed: the survey file, the breakdown, language and
/// earlier wave asked for, and each wave's stored response count and status (participants,
/// invited by mail and letter, answered; overall and by each attribute). Tallying 100,000
/// responses takes a good part of a second; the status it is checked against takes
/// milliseconds. A report is never kept past a change of those numbers, so the page shows what
/// `results` would show at that moment, withheld groups and all.
final class ReportCache: @unchecked Sendable {
    struct Key: Hashable {
        let survey: String
        let by: String?
        let language: String
        let compare: String?
        /// The survey files' fingerprints, response counts and status documents of both waves.
        let state: [String]
    }

    private let lock = NSLock()
    private var reports: [Key: String] = [:]
    /// Enough for every page an organizer clicks through; more is dropped, not grown.
    static let capacity = 64

    /// The report for `key`, computed by `make` when it is not kept.
    func report(_ key: Key, _ make: () throws -> String) rethrows -> String {
        if let kept = lock.withLock({ reports[key] }) { return kept }
        let report = try make()
        lock.withLock {
            if reports.count >= Self.capacity { reports.removeAll() }
            reports[key] = report
        }
        return report
    }

    /// What a wave's report depends on besides its file: its stored responses and its status.
    static func state(_ survey: Survey, statuses: [JSONValue], database: Database) throws -> [String] {
        let responses = try database.responseCount(surveyID: survey.id)
        return [survey.id, String(survey.fingerprint), String(responses)] + statuses.map { $0.serialized() }
    }
}
