import Foundation
import SQLite

/// What a purge erased.
public struct PurgeSummary: Sendable, Equatable {
    /// Participants whose name, email and link were erased.
    public var participants: Int
    /// Queued mail that will now not be sent.
    public var cancelled: Int
}

/// A purge wrote everything but could not checkpoint the WAL, because a reader held it.
public struct CheckpointBusy: Error, Sendable {}

extension Database {
    /// Erases the names, emails, links (tokens) and drafts of a survey's participants so that none stays
    /// readable in the database files: with `secure_delete` the freed bytes are overwritten with
    /// zeros, and a `TRUNCATE` checkpoint then moves every page into the main file and empties
    /// the write-ahead log, where older versions of the pages still held them. Server replies
    /// kept for `status` lose any address in them. Responses, answered and unsubscribed flags,
    /// attributes and the mail counts stay, so results, status and exports are unchanged. Mail
    /// still queued for the survey is cancelled.
    /// - Throws: `SQLiteError`; `CheckpointBusy` when readers kept the log busy for `patience`.
    public func purge(surveyID: String, now: Date = Date(), patience: TimeInterval = 10) throws -> PurgeSummary {
        try connection.execute("PRAGMA secure_delete = ON")
        // Tokens, access codes and emails leave their indexes at random places: 64 MB of pages.
        let summary = try withPageCache(megabytes: 64) { try connection.transaction { () -> PurgeSummary in
            try connection.run("""
                UPDATE participants SET email = NULL, email_key = NULL, name = NULL, token = NULL, code = NULL,
                    street = NULL, postcode = NULL, city = NULL, updated_at = ?
                WHERE survey_id = ? AND (email IS NOT NULL OR name IS NOT NULL OR token IS NOT NULL)
                """, [.text(Database.now(now)), .text(surveyID)])
            let participants = connection.changes
            _ = try deleteDrafts(surveyID: surveyID)
            try connection.run("UPDATE mail_queue SET status = 'cancelled' WHERE survey_id = ? AND status IN ('queued', 'deferred')", [.text(surveyID)])
            let cancelled = connection.changes
            for row in try connection.rows("SELECT DISTINCT last_reply FROM mail_queue WHERE survey_id = ? AND last_reply LIKE '%@%'", [.text(surveyID)]) {
                guard let reply = row.text("last_reply") else { continue }
                try connection.run("UPDATE mail_queue SET last_reply = ? WHERE survey_id = ? AND last_reply = ?",
                                   [.text(Self.withoutAddresses(reply)), .text(surveyID), .text(reply)])
            }
            return PurgeSummary(participants: participants, cancelled: cancelled)
        } }
        let deadline = Date().addingTimeInterval(patience)
        while true {
            // busy = 0 once the whole log was copied into the database and the log truncated.
            if let row = try connection.row("PRAGMA wal_checkpoint(TRUNCATE)"), row.int("busy") == 0 { break }
            guard Date() < deadline else { throw CheckpointBusy() }
            usleep(50_000)
        }
        return summary
    }

    /// Hands the Message-ID (left of the `@`) of each of the survey's mails to `body`, one at a
    /// time (a million do not fit in memory as a list), to remove copies in the outbox.
    public func forEachMessageID(surveyID: String, _ body: (String) throws -> Void) throws {
        let statement = try connection.prepare("SELECT message_id FROM mail_queue WHERE survey_id = ?")
        try statement.bind([.text(surveyID)])
        while try statement.step() {
            if let id = statement.text(0) { try body(id) }
        }
    }

    /// How many of the survey's participants still have a name or an email: what a purge would erase.
    public func countHoldingPersonalData(surveyID: String) throws -> Int {
        try connection.row("SELECT count(*) AS n FROM participants WHERE survey_id = ? AND (email IS NOT NULL OR name IS NOT NULL)",
                           [.text(surveyID)])?.int("n") ?? 0
    }

    /// A server reply with every word that holds an `@` replaced by `<address removed>`.
    static func withoutAddresses(_ reply: String) -> String {
        reply.split(separator: " ", omittingEmptySubsequences: false)
            .map { $0.contains("@") ? "<address removed>" : String($0) }.joined(separator: " ")
    }
}
