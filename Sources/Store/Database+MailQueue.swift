import Foundation
import JSON
import SQLite

/// A queued mail claimed for sending, with what it is rendered from.
public struct QueuedMail: Sendable {
    public var id: Int64
    public var surveyID: String
    public var kind: String
    public var sequence: Int
    public var attempts: Int
    public var messageID: String
    public var envelopeID: String
    public var email: String
    public var name: String?
    public var language: String?
    /// JSON object of the participant's attributes.
    public var attributes: String
    public var token: String
}

/// How a delivery attempt ended, as the queue records it.
public enum QueueOutcome: Sendable {
    case delivered(reply: String)
    case deferred(reply: String, code: Int?, retryAt: Date)
    case failed(reply: String, code: Int?)
    case unknown(reason: String)
    /// Not attempted (the pool is backing off): back to the queue without counting an attempt.
    case postponed(until: Date)
}

/// Counts for `status`.
public struct MailStatus: Sendable, Equatable {
    public var participants = 0
    public var invited = 0
    public var delivered = 0
    public var deferred = 0
    public var failed = 0
    public var unknown = 0
    public var unsubscribed = 0
    public var answered = 0
    public var remindersDelivered = 0
    /// Participants whose address came back as not existing (a hard bounce).
    public var bounced = 0
    /// Participants without email whose letter or code card was printed (`mitreden letters`).
    public var invitedByLetter = 0

    /// Invited by mail or by letter: the base of the response rate.
    public var invitedInAll: Int { invited + invitedByLetter }

    /// No participants at all.
    public static let empty = MailStatus()
}

extension Database {
    /// Queues one invitation for each participant of the survey who has none yet and has not
    /// unsubscribed. Returns how many were queued. Running it again queues nobody twice.
    public func enqueueInvitations(surveyID: String, now: Date = Date()) throws -> Int {
        // Envelope ids are random: each row lands at a random place in their unique index.
        try withPageCache(megabytes: 64) { try connection.transaction {
            try connection.run("""
                INSERT OR IGNORE INTO mail_queue (participant_id, survey_id, kind, sequence, next_attempt_at, message_id, envelope_id, created_at)
                SELECT p.id, p.survey_id, 'invitation', 0, ?1, lower(hex(randomblob(16))), lower(hex(randomblob(12))), ?1
                FROM participants p
                WHERE p.survey_id = ?2 AND p.email IS NOT NULL AND p.unsubscribed_at IS NULL AND p.bounced_at IS NULL
                """, [.text(Database.now(now)), .text(surveyID)])
            return connection.changes
        } }
    }

    /// Participants who are due a reminder: invited (invitation delivered), not answered, not
    /// unsubscribed, no mail of theirs waiting, fewer than `max` reminders so far, and (when
    /// `after` is given) their last mail delivered at least `after` seconds ago.
    private static let remindable = """
        FROM participants p
        WHERE p.survey_id = ?2 AND p.email IS NOT NULL AND p.answered = 0 AND p.unsubscribed_at IS NULL AND p.bounced_at IS NULL
          AND EXISTS (SELECT 1 FROM mail_queue m WHERE m.participant_id = p.id AND m.kind = 'invitation' AND m.status = 'delivered')
          AND NOT EXISTS (SELECT 1 FROM mail_queue m WHERE m.participant_id = p.id AND m.status IN ('queued', 'sending', 'deferred'))
          AND (SELECT count(*) FROM mail_queue m WHERE m.participant_id = p.id AND m.kind = 'reminder') < ?3
          AND (?4 IS NULL OR (SELECT max(m.delivered_at) FROM mail_queue m WHERE m.participant_id = p.id) <= ?4)
        """

    /// Queues the next reminder for each remindable participant; returns how many.
    public func enqueueReminders(surveyID: String, max: Int, after: Int?, now: Date = Date()) throws -> Int {
        try withPageCache(megabytes: 64) { try connection.transaction {
            try connection.run("""
                INSERT OR IGNORE INTO mail_queue (participant_id, survey_id, kind, sequence, next_attempt_at, message_id, envelope_id, created_at)
                SELECT p.id, p.survey_id, 'reminder',
                       (SELECT count(*) FROM mail_queue m WHERE m.participant_id = p.id AND m.kind = 'reminder') + 1,
                       ?1, lower(hex(randomblob(16))), lower(hex(randomblob(12))), ?1
                """ + Database.remindable, reminderArguments(surveyID, max: max, after: after, now: now))
            return connection.changes
        } }
    }

    /// How many `enqueueReminders` would queue now.
    public func countRemindable(surveyID: String, max: Int, after: Int?, now: Date = Date()) throws -> Int {
        try connection.row("SELECT count(*) AS n " + Database.remindable, reminderArguments(surveyID, max: max, after: after, now: now))?.int("n") ?? 0
    }

    private func reminderArguments(_ surveyID: String, max: Int, after: Int?, now: Date) -> [SQLValue] {
        [.text(Database.now(now)), .text(surveyID), .integer(Int64(max)), after.map { .text(Database.now(now.addingTimeInterval(-Double($0)))) } ?? .null]
    }

    /// How many mails are waiting (queued or deferred), and when the next is due.
    public func pendingMail() throws -> (count: Int, nextDue: String?) {
        let row = try connection.row("SELECT count(*) AS n, min(next_attempt_at) AS next FROM mail_queue WHERE status IN ('queued', 'deferred')")
        return (row?.int("n") ?? 0, row?.text("next"))
    }

    /// Gives back the mails of processes that died while sending them (their pid is gone), so
    /// they are sent again. A message the server had accepted before the crash is then sent
    /// twice: the one window for a duplicate. Returns how many were given back.
    public func releaseAbandonedClaims(isAlive: (String) -> Bool) throws -> Int {
        let owners = try connection.rows("SELECT DISTINCT claimed_by FROM mail_queue WHERE status = 'sending'").compactMap { $0.text("claimed_by") }
        var released = 0
        for owner in owners where !isAlive(owner) {
            try connection.run("UPDATE mail_queue SET status = 'queued', claimed_by = NULL, claimed_at = NULL WHERE status = 'sending' AND claimed_by = ?", [.text(owner)])
            released += connection.changes
        }
        return released
    }

    /// Claims up to `limit` due mails for `owner`: marks them 'sending' and returns them.
    /// Mails of people who unsubscribed (or, for reminders, answered) are cancelled instead.
    /// The statements are the same for every claim (prepared once, rows read by position).
    public func claimDueMail(limit: Int, owner: String, now: Date = Date()) throws -> [QueuedMail] {
        try connection.transaction {
            let stamp = Database.now(now)
            // One query per status: each walks the index (status, next_attempt_at) in order and
            // stops at the limit. With both statuses in one query SQLite sorted every due mail
            // for each claim.
            let due = try connection.cached("""
                SELECT m.id, m.survey_id, m.kind, m.sequence, m.attempts, m.message_id, m.envelope_id,
                       p.email, p.name, p.language, p.attributes, p.token,
                       (p.unsubscribed_at IS NOT NULL OR p.email IS NULL OR p.bounced_at IS NOT NULL OR (p.answered = 1 AND m.kind = 'reminder')) AS cancel,
                       m.next_attempt_at
                FROM mail_queue m JOIN participants p ON p.id = m.participant_id
                WHERE m.status = ?3 AND m.next_attempt_at <= ?1
                ORDER BY m.next_attempt_at, m.id LIMIT ?2
                """)
            var rows: [(at: String, id: Int64, mail: QueuedMail?)] = []   // nil: to be cancelled
            for status in ["deferred", "queued"] {
                try due.bind([.text(stamp), .integer(Int64(limit)), .text(status)])
                while try due.step() {
                    let id = Int64(due.int(0) ?? 0)
                    let mail = due.int(12) == 1 ? nil : QueuedMail(
                        id: id, surveyID: due.text(1) ?? "", kind: due.text(2) ?? "", sequence: due.int(3) ?? 0, attempts: (due.int(4) ?? 0) + 1,
                        messageID: due.text(5) ?? "", envelopeID: due.text(6) ?? "", email: due.text(7) ?? "", name: due.text(8),
                        language: due.text(9), attributes: due.text(10) ?? "{}", token: due.text(11) ?? "")
                    rows.append((due.text(13) ?? "", id, mail))
                }
            }
            rows.sort { ($0.at, $0.id) < ($1.at, $1.id) }
            let taken = rows.prefix(limit)
            let claimed = taken.compactMap(\.mail)
            let cancelled = taken.filter { $0.mail == nil }.map(\.id)
            // One statement for all of them, the ids as a JSON array: 8 µs per row instead of 11
            // with a statement per mail (Python's sqlite3, 10,000 rows, commits included).
            if !cancelled.isEmpty {
                try connection.cached("""
                    UPDATE mail_queue SET status = 'cancelled', last_reply = 'not sent: the participant unsubscribed, answered, bounced or was purged'
                    WHERE id IN (SELECT value FROM json_each(?1))
                    """).run([.text(Self.jsonArray(cancelled))])
            }
            if !claimed.isEmpty {
                try connection.cached("""
                    UPDATE mail_queue SET status = 'sending', claimed_by = ?2, claimed_at = ?3, attempts = attempts + 1
                    WHERE id IN (SELECT value FROM json_each(?1))
                    """).run([.text(Self.jsonArray(claimed.map(\.id))), .text(owner), .text(stamp)])
            }
            return claimed
        }
    }

    /// Records outcomes in one transaction (a group commit: one fsync for many messages).
    public func recordOutcomes(_ outcomes: [(Int64, QueueOutcome)], now: Date = Date()) throws {
        guard !outcomes.isEmpty else { return }
        try connection.transaction {
            let stamp = Database.now(now)
            let deferred = try connection.cached("UPDATE mail_queue SET status = 'deferred', next_attempt_at = ?2, last_reply = ?3, reply_code = ?4, claimed_by = NULL WHERE id = ?1")
            let failed = try connection.cached("UPDATE mail_queue SET status = ?5, last_reply = ?3, reply_code = ?4, claimed_by = NULL, next_attempt_at = ?2 WHERE id = ?1")
            let postponed = try connection.cached("UPDATE mail_queue SET status = 'deferred', next_attempt_at = ?2, attempts = max(attempts - 1, 0), claimed_by = NULL WHERE id = ?1")
            var delivered: [(Int64, String)] = []   // the usual outcome: one statement for all (see claimDueMail)
            for (id, outcome) in outcomes {
                switch outcome {
                case .delivered(let reply):
                    delivered.append((id, reply))
                case .deferred(let reply, let code, let retryAt):
                    try deferred.run([.integer(id), .text(Database.now(retryAt)), .text(reply), code.map { .integer(Int64($0)) } ?? .null])
                case .failed(let reply, let code):
                    try failed.run([.integer(id), .text(stamp), .text(reply), code.map { .integer(Int64($0)) } ?? .null, .text("failed")])
                    try enqueueMailFailed(queueID: id, code: code, reply: reply, now: now)
                case .unknown(let reason):
                    try failed.run([.integer(id), .text(stamp), .text(reason), .null, .text("unknown")])
                case .postponed(let until):
                    try postponed.run([.integer(id), .text(Database.now(until))])
                }
            }
            if !delivered.isEmpty {
                // [[id, reply], ...]; the reply code is the reply's first three digits, as for the others.
                let rows = JSONValue.array(delivered.map { .array([.int(Int($0.0)), .string($0.1)]) }).serialized()
                try connection.cached("""
                    UPDATE mail_queue SET status = 'delivered', delivered_at = ?2, last_reply = o.value ->> 1, claimed_by = NULL,
                        reply_code = CASE WHEN substr(o.value ->> 1, 1, 3) GLOB '[0-9][0-9][0-9]' THEN CAST(substr(o.value ->> 1, 1, 3) AS INTEGER) END
                    FROM json_each(?1) AS o WHERE mail_queue.id = o.value ->> 0
                    """).run([.text(rows), .text(stamp)])
            }
        }
    }

    /// `[1,2,3]`: ids for `json_each`.
    private static func jsonArray(_ ids: [Int64]) -> String {
        JSONValue.array(ids.map { .int(Int($0)) }).serialized()
    }

    /// Counts for `status`; with `attribute`, one entry per value of that attribute.
    public func mailStatus(surveyID: String, by attribute: String? = nil) throws -> [(String?, MailStatus)] {
        let group = attribute == nil ? "NULL" : "json_extract(p.attributes, '$.' || ?2)"
        let rows = try connection.rows("""
            SELECT \(group) AS value,
                   count(*) AS participants,
                   sum(i.status IS NOT NULL) AS invited,
                   sum(i.status = 'delivered') AS delivered,
                   sum(i.status IN ('queued', 'sending', 'deferred')) AS deferred,
                   sum(i.status = 'failed') AS failed,
                   sum(i.status = 'unknown') AS unknown,
                   sum(p.unsubscribed_at IS NOT NULL) AS unsubscribed,
                   sum(p.answered) AS answered,
                   sum(p.bounced_at IS NOT NULL) AS bounced,
                   sum(p.printed_at IS NOT NULL) AS letters,
                   sum((SELECT count(*) FROM mail_queue r WHERE r.participant_id = p.id AND r.kind = 'reminder' AND r.status = 'delivered')) AS reminders
            FROM participants p
            LEFT JOIN mail_queue i ON i.participant_id = p.id AND i.kind = 'invitation'
            WHERE p.survey_id = ?1
            GROUP BY value ORDER BY value
            """, [.text(surveyID)] + (attribute.map { [.text($0)] } ?? []))
        return rows.map { row in
            (row.text("value"), MailStatus(participants: row.int("participants") ?? 0, invited: row.int("invited") ?? 0,
                                            delivered: row.int("delivered") ?? 0, deferred: row.int("deferred") ?? 0,
                                            failed: row.int("failed") ?? 0, unknown: row.int("unknown") ?? 0,
                                            unsubscribed: row.int("unsubscribed") ?? 0, answered: row.int("answered") ?? 0,
                                            remindersDelivered: row.int("reminders") ?? 0, bounced: row.int("bounced") ?? 0,
                                            invitedByLetter: row.int("letters") ?? 0))
        }
    }

    /// The replies of failed (and unknown) deliveries, most frequent first.
    public func failureReasons(surveyID: String) throws -> [(reply: String, count: Int)] {
        try connection.rows("""
            SELECT coalesce(last_reply, '') AS reply, count(*) AS n FROM mail_queue
            WHERE survey_id = ? AND status IN ('failed', 'unknown') GROUP BY reply ORDER BY n DESC, reply LIMIT 20
            """, [.text(surveyID)]).map { ($0.text("reply") ?? "", $0.int("n") ?? 0) }
    }
}

extension Database {
    /// A participant's next mail of `kind` as it would be rendered, for `--dry-run` (nothing is queued).
    public func previewMail(surveyID: String, kind: String) throws -> QueuedMail? {
        let condition = kind == "invitation"
            ? "NOT EXISTS (SELECT 1 FROM mail_queue m WHERE m.participant_id = p.id AND m.kind = 'invitation')"
            : "p.answered = 0 AND EXISTS (SELECT 1 FROM mail_queue m WHERE m.participant_id = p.id AND m.kind = 'invitation' AND m.status = 'delivered')"
        guard let row = try connection.row("""
            SELECT p.email, p.name, p.language, p.attributes, p.token FROM participants p
            WHERE p.survey_id = ? AND p.email IS NOT NULL AND p.unsubscribed_at IS NULL AND \(condition) ORDER BY p.id LIMIT 1
            """, [.text(surveyID)]) else { return nil }
        return QueuedMail(id: 0, surveyID: surveyID, kind: kind, sequence: 0, attempts: 0, messageID: "preview", envelopeID: "preview",
                          email: row.text("email") ?? "", name: row.text("name"), language: row.text("language"),
                          attributes: row.text("attributes") ?? "{}", token: row.text("token") ?? "")
    }

    /// How many participants have no invitation yet and have not unsubscribed.
    public func countUninvited(surveyID: String) throws -> Int {
        try connection.row("""
            SELECT count(*) AS n FROM participants p WHERE p.survey_id = ? AND p.email IS NOT NULL AND p.unsubscribed_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM mail_queue m WHERE m.participant_id = p.id AND m.kind = 'invitation')
            """, [.text(surveyID)])?.int("n") ?? 0
    }
}

