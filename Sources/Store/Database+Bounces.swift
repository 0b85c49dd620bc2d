import Foundation
import SQLite

/// What a returned delivery status notification says about one delivery.
public struct BounceRecord: Sendable, Equatable {
    /// Permanent (the address does not exist, the relay gave up) or temporary (still trying).
    public var hard: Bool
    /// The enhanced status code, e.g. `5.1.1`.
    public var status: String
    /// The SMTP reply code, e.g. 550, where the report has one.
    public var code: Int?
    /// The server's words, e.g. `smtp; 550 5.1.1 <x@y>: Recipient address rejected`.
    public var diagnostic: String

    public init(hard: Bool, status: String, code: Int?, diagnostic: String) {
        self.hard = hard
        self.status = status
        self.code = code
        self.diagnostic = diagnostic
    }
}

/// Which delivery a report is about: the opaque id of its envelope sender (VERP), or the
/// Message-ID of the returned message (the part left of `@`).
public enum BounceMatch: Sendable, Equatable {
    case envelopeID(String)
    case messageID(String)
}

/// What recording a report came to.
public enum BounceOutcome: Sendable, Equatable {
    case recorded(surveyID: String, hard: Bool)
    /// No delivery of ours has that id.
    case noDelivery
}

extension Database {
    /// Records a bounce for the first delivery that one of `matches` names. A hard bounce marks
    /// the delivery failed with the report's code and words, marks the participant as bounced
    /// (no more mail to them for this survey: queued mail is cancelled, reminders skip them)
    /// and queues `mail.failed` (once). A soft bounce marks it deferred; the relay is still
    /// trying, so we never send it again ourselves. A soft report after a hard one changes nothing.
    public func recordBounce(_ matches: [BounceMatch], _ record: BounceRecord, now: Date = Date()) throws -> BounceOutcome {
        try connection.transaction {
            var found: Row?
            for match in matches where found == nil {
                switch match {
                case .envelopeID(let id):
                    found = try connection.row("SELECT id, participant_id, survey_id, bounce FROM mail_queue WHERE envelope_id = ?", [.text(id.lowercased())])
                case .messageID(let id):
                    found = try connection.row("SELECT id, participant_id, survey_id, bounce FROM mail_queue WHERE message_id = ?", [.text(id.lowercased())])
                }
            }
            guard let row = found, let id = row.int("id"), let participant = row.int("participant_id"), let survey = row.text("survey_id") else {
                return .noDelivery
            }
            let stamp = Database.now(now)
            let reply = String("\(record.status) \(record.diagnostic)".trimmingCharacters(in: .whitespaces).prefix(1000))
            let code: SQLValue = record.code.map { .integer(Int64($0)) } ?? .null
            if record.hard {
                try connection.run("""
                    UPDATE mail_queue SET status = 'failed', bounce = 'hard', bounced_at = ?1, reply_code = ?2, last_reply = ?3, claimed_by = NULL WHERE id = ?4
                    """, [.text(stamp), code, .text(reply), .integer(Int64(id))])
                try connection.run("UPDATE participants SET bounced_at = coalesce(bounced_at, ?1), updated_at = ?1 WHERE id = ?2", [.text(stamp), .integer(Int64(participant))])
                try connection.run("""
                    UPDATE mail_queue SET status = 'cancelled', last_reply = 'not sent: an earlier mail to this address bounced'
                    WHERE participant_id = ? AND status IN ('queued', 'deferred') AND bounce IS NULL
                    """, [.integer(Int64(participant))])
                if row.text("bounce") != "hard" { try enqueueMailFailed(queueID: Int64(id), code: record.code, reply: reply, now: now) }
            } else {
                try connection.run("""
                    UPDATE mail_queue SET status = 'deferred', bounce = 'soft', bounced_at = ?1, reply_code = ?2, last_reply = ?3,
                        next_attempt_at = '9999-12-31T23:59:59Z', claimed_by = NULL
                    WHERE id = ?4 AND coalesce(bounce, '') <> 'hard'
                    """, [.text(stamp), code, .text(reply), .integer(Int64(id))])
            }
            return .recorded(surveyID: survey, hard: record.hard)
        }
    }
}
