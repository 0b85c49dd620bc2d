import Foundation
import JSON
import SQLite
import Survey

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    public var created: Int
    public var updated: Int
}

/// A participant as `participants list` shows it (no token).
public struct ParticipantRow: Sendable {
    public var email: String?
    /// How the person is reached: their email, "(letter to POSTCODE CITY)", "(access code)", or "(purged)".
    public var reach: String
    public var name: String?
    public var language: String?
    public var attributes: String
    public var status: String
}

extension Database {
    /// Records the survey (idempotent), so participants and responses can refer to it.
    public func register(_ survey: Survey) throws {
        try connection.run("""
            INSERT INTO surveys (id, title, access, anonymous, first_loaded_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, access = excluded.access, anonymous = excluded.anonymous
            """, [.text(survey.id), .text(survey.title.text(survey.defaultLanguage, default: survey.defaultLanguage)),
                  .text(survey.access.rawValue), .integer(survey.anonymous ? 1 : 0), .text(Database.now())])
    }

    /// Adds new participants and updates known ones (matched by email, case-insensitively; people
    /// without email by name and address), in one transaction: all or nothing. A known
    /// participant keeps their token and access code.
    public func importParticipants(_ participants: [Participant], into survey: Survey) throws -> ImportSummary {
        try importParticipants(into: survey) { add, _ in try participants.forEach(add) }
    }

    /// The same, streamed: `feed` gives each participant to `add` and may ask `firstLine` where a
    /// match key came first in this file (nil: new); the keys are kept in a temporary table,
    /// not in memory, so a million rows import in flat memory. When `feed` throws (a bad row),
    /// everything is rolled back.
    public func importParticipants(into survey: Survey,
                                   _ feed: (_ add: (Participant) throws -> Void, _ firstLine: (String, Int) throws -> Int?) throws -> Void) throws -> ImportSummary {
        // Tokens and access codes are random: each row lands at a random place in their indexes.
        try withPageCache(megabytes: 96) { try connection.transaction {
            try register(survey)
            try connection.execute("CREATE TEMP TABLE IF NOT EXISTS import_keys (key TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID; DELETE FROM import_keys")
            defer { try? connection.execute("DELETE FROM import_keys") }
            let remember = try connection.prepare("INSERT OR IGNORE INTO import_keys (key, line) VALUES (?, ?)")
            let earlier = try connection.prepare("SELECT line FROM import_keys WHERE key = ?")
            let exists = try connection.prepare("SELECT 1 AS known FROM participants WHERE survey_id = ? AND email_key = ?")
            let upsert = try connection.prepare("""
                INSERT INTO participants (survey_id, email, email_key, name, street, postcode, city, language, attributes, token, code, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (survey_id, email_key) DO UPDATE SET
                    email = excluded.email, name = excluded.name, street = excluded.street, postcode = excluded.postcode,
                    city = excluded.city, language = excluded.language, attributes = excluded.attributes, updated_at = excluded.updated_at
                """)
            let now = Database.now()
            var summary = ImportSummary(created: 0, updated: 0)
            try feed({ p in
                let key = p.matchKey
                let known = try !exists.rows([.text(survey.id), .text(key)]).isEmpty
                let attributes = JSONValue.object(p.attributes.map { ($0.0, .string($0.1)) }).serialized()
                try withFreshCode { code in
                    try upsert.run([.text(survey.id), p.email.map(SQLValue.text) ?? .null, .text(key), p.name.map(SQLValue.text) ?? .null,
                                    p.address.map { .text($0.street) } ?? .null, p.address.map { .text($0.postcode) } ?? .null, p.address.map { .text($0.city) } ?? .null,
                                    p.language.map(SQLValue.text) ?? .null, .text(attributes), .text(Token.make()), .text(code), .text(now), .text(now)])
                }
                if known { summary.updated += 1 } else { summary.created += 1 }
            }, { key, line in
                try remember.run([.text(key), .integer(Int64(line))])
                if connection.changes > 0 { return nil }
                return try earlier.rows([.text(key)]).first?.int("line")
            })
            return summary
        } }
    }

    /// The participants of a survey in import order.
    public func participants(of surveyID: String) throws -> [ParticipantRow] {
        var rows: [ParticipantRow] = []
        try forEachParticipant(of: surveyID) { rows.append($0) }
        return rows
    }

    /// Hands the participants of a survey to `body` in import order, one at a time (memory
    /// stays flat for a million).
    public func forEachParticipant(of surveyID: String, _ body: (ParticipantRow) throws -> Void) throws {
        let statement = try connection.prepare("""
            SELECT p.email, p.name, p.language, p.attributes,
                   CASE WHEN p.email IS NOT NULL THEN p.email
                        WHEN p.city IS NOT NULL THEN '(letter to ' || p.postcode || ' ' || p.city || ')'
                        WHEN p.token IS NOT NULL THEN '(access code)'
                        ELSE '(purged)' END AS reach,
                   CASE WHEN p.answered = 1 THEN 'answered'
                        WHEN p.unsubscribed_at IS NOT NULL THEN 'unsubscribed'
                        WHEN EXISTS (SELECT 1 FROM mail_queue m WHERE m.participant_id = p.id AND m.kind = 'invitation') THEN 'invited'
                        WHEN p.printed_at IS NOT NULL THEN 'printed'
                        ELSE 'imported' END AS status
            FROM participants p WHERE p.survey_id = ? ORDER BY p.id
            """)
        try statement.bind([.text(surveyID)])
        while try statement.step() {
            try body(ParticipantRow(email: statement.text(0), reach: statement.text(4) ?? "", name: statement.text(1), language: statement.text(2),
                                    attributes: statement.text(3) ?? "{}", status: statement.text(5) ?? ""))
        }
    }
}

/// What the unsubscribe page needs to know about the holder of a link.
public struct LinkHolder: Sendable {
    public var surveyID: String
    public var language: String?
    public var unsubscribed: Bool
    public var answered: Bool
}

extension Database {
    /// The participant a personal link belongs to, if any.
    public func linkHolder(token: String) throws -> LinkHolder? {
        try connection.row("SELECT survey_id, language, unsubscribed_at, answered FROM participants WHERE token = ?", [.text(token)]).map {
            LinkHolder(surveyID: $0.text("survey_id") ?? "", language: $0.text("language"), unsubscribed: $0.text("unsubscribed_at") != nil,
                       answered: $0.int("answered") == 1)
        }
    }

    /// Records an unsubscribe by token; true if the token exists.
    public func unsubscribe(token: String, now: Date = Date()) throws -> Bool {
        try connection.run("UPDATE participants SET unsubscribed_at = coalesce(unsubscribed_at, ?2) WHERE token = ?1", [.text(token), .text(Database.now(now))])
        return connection.changes > 0
    }

    /// Whether the database answers.
    public func isHealthy() -> Bool {
        (try? connection.row("SELECT 1 AS one")?.int("one")) == 1
    }
}
