import Foundation
import JSON
import SQLite
import Survey

/// Where events go: the endpoints a survey file lists for each event type, and the global
/// endpoints (all events of all surveys).
public struct EventRoutes: Sendable {
    public let surveys: @Sendable () -> [String: Survey]
    public let global: [String]

    public init(surveys: @escaping @Sendable () -> [String: Survey], global: [String] = []) {
        self.surveys = surveys
        self.global = global
    }

    /// The endpoints that want events of `type` for `surveyID`.
    public func urls(_ surveyID: String, _ type: String) -> [String] {
        let own = surveys()[surveyID]?.webhooks.filter { $0.events.contains(type) }.map(\.url) ?? []
        return Array(Set(own + global)).sorted()
    }

    /// Whether the survey is anonymous; unknown surveys count as anonymous.
    public func anonymous(_ surveyID: String) -> Bool { surveys()[surveyID]?.anonymous ?? true }
}

/// An event to deliver.
public struct QueuedEvent: Sendable {
    public var id: Int64
    public var webhookID: String
    public var url: String
    public var body: String
    public var attempts: Int
    public var createdAt: Date
}

extension Database {
    /// Queues an event for every endpoint that wants it, inside the caller's transaction, so an
    /// event exists exactly when what caused it was committed. Nothing when events are off.
    ///
    /// `dayOnly` (a response of an anonymous survey): nothing next to the response id says more
    /// than the day. The body's `timestamp` is the date (`2027-03-01`); the queue row keeps the
    /// day as its creation and due time (so it is due at once), gets a random row id (no order
    /// of arrival), and its retry times are kept in memory only (`recordEventAttempt`); once
    /// delivered or given up, its body (the response id) is erased.
    func enqueueEvent(_ type: String, surveyID: String, data: [(String, JSONValue)], now: Date, dayOnly: Bool = false) throws {
        guard let events else { return }
        let urls = events.urls(surveyID, type)
        guard !urls.isEmpty else { return }
        let stamp = dayOnly ? stamps(now).day : Database.now(now)
        let body = JSONValue.object([("type", .string(type)), ("timestamp", .string(stamp)),
                                     ("data", .object([("survey", .string(surveyID))] + data))]).serialized()
        let id = "msg_" + Token.make()
        for url in urls {
            try connection.run("""
                INSERT INTO event_queue (id, webhook_id, url, survey_id, type, body, next_attempt_at, created_at, day_only)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)
                """, [dayOnly ? .integer(Int64.random(in: 1...(1 << 62))) : .null, .text(id), .text(url), .text(surveyID), .text(type),
                      .text(body), .text(stamp), .integer(dayOnly ? 1 : 0)])
        }
    }

    /// `mail.failed`: which survey and kind of mail, the server's code and reply (addresses
    /// removed); never who it was for.
    func enqueueMailFailed(queueID: Int64, code: Int?, reply: String, now: Date) throws {
        guard events != nil, let row = try connection.row("SELECT survey_id, kind FROM mail_queue WHERE id = ?", [.integer(queueID)]),
              let survey = row.text("survey_id") else { return }
        try enqueueEvent("mail.failed", surveyID: survey, data: [
            ("kind", .string(row.text("kind") ?? "")), ("code", code.map(JSONValue.int) ?? .null),
            ("reason", .string(Database.withoutAddresses(reply))),
        ], now: now)
    }

    /// Marks a survey as opened (or closed) once and queues `survey.opened` (`survey.closed`).
    /// Returns whether this call did it.
    public func recordSurveyMoment(_ survey: Survey, closed: Bool, now: Date = Date()) throws -> Bool {
        let column = closed ? "closed_event_at" : "opened_event_at"
        // Read first: this runs every few seconds for every survey, and a write would cost a sync.
        if let row = try connection.row("SELECT \(column) AS at FROM surveys WHERE id = ?", [.text(survey.id)]), row.text("at") != nil {
            return false
        }
        return try connection.transaction {
            try register(survey)
            try connection.run("UPDATE surveys SET \(column) = ? WHERE id = ? AND \(column) IS NULL", [.text(Database.now(now)), .text(survey.id)])
            guard connection.changes == 1 else { return false }
            try enqueueEvent(closed ? "survey.closed" : "survey.opened", surveyID: survey.id, data: [], now: now)
            return true
        }
    }

    /// Claims up to `limit` events that are due: marks them 'sending' and returns them. The
    /// creation time of an event kept to the day is taken as the end of that day (its retries
    /// go on until the end of the next day).
    public func claimDueEvents(limit: Int, now: Date = Date()) throws -> [QueuedEvent] {
        try createEventRetries()
        return try connection.transaction {
            let stamp = Database.now(now)
            let rows = try connection.rows("""
                SELECT id, webhook_id, url, body, attempts, created_at, day_only FROM event_queue
                WHERE status = 'pending' AND next_attempt_at <= ?1 AND id NOT IN (SELECT id FROM temp.event_retries WHERE due > ?1)
                ORDER BY next_attempt_at, id LIMIT ?2
                """, [.text(stamp), .integer(Int64(limit))])
            guard !rows.isEmpty else { return [] }
            let ids = rows.compactMap { $0.int("id") }.map(String.init).joined(separator: ",")
            try connection.run("UPDATE event_queue SET status = 'sending', attempts = attempts + 1 WHERE id IN (\(ids))")
            return rows.map { row in
                let dayOnly = row.int("day_only") == 1
                let created = Database.date(row.text("created_at")!).map { dayOnly ? $0.addingTimeInterval(86400) : $0 }
                return QueuedEvent(id: Int64(row.int("id")!), webhookID: row.text("webhook_id")!, url: row.text("url")!, body: row.text("body")!,
                                   attempts: row.int("attempts")! + 1, createdAt: created ?? now)
            }
        }
    }

    /// Records an attempt: delivered, again at `retryAt`, or (retryAt nil) failed for good. An
    /// event kept to the day keeps `retryAt` in memory, on this connection only (a restart tries
    /// it again at once), and loses its body when it is done.
    public func recordEventAttempt(id: Int64, delivered: Bool, error: String?, retryAt: Date?, now: Date = Date()) throws {
        let dayOnly = try connection.row("SELECT day_only FROM event_queue WHERE id = ?", [.integer(id)])?.int("day_only") == 1
        if dayOnly {
            try createEventRetries()
            try connection.run("DELETE FROM temp.event_retries WHERE id = ?", [.integer(id)])
        }
        let error = error.map(SQLValue.text) ?? .null
        if delivered {
            try connection.run("UPDATE event_queue SET status = 'delivered', delivered_at = ?, last_error = NULL, body = CASE WHEN day_only = 1 THEN '' ELSE body END WHERE id = ?",
                               [.text(dayOnly ? stamps(now).day : Database.now(now)), .integer(id)])
        } else if let retryAt, dayOnly {
            try connection.run("INSERT INTO temp.event_retries (id, due) VALUES (?, ?)", [.integer(id), .text(Database.now(retryAt))])
            try connection.run("UPDATE event_queue SET status = 'pending', last_error = ? WHERE id = ?", [error, .integer(id)])
        } else if let retryAt {
            try connection.run("UPDATE event_queue SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?",
                               [.text(Database.now(retryAt)), error, .integer(id)])
        } else {
            try connection.run("UPDATE event_queue SET status = 'failed', last_error = ?, body = CASE WHEN day_only = 1 THEN '' ELSE body END WHERE id = ?",
                               [error, .integer(id)])
        }
    }

    /// The retry times of events kept to the day: a table of this connection, in memory.
    private func createEventRetries() throws {
        guard !hasEventRetries else { return }
        try connection.execute("PRAGMA temp_store = MEMORY")
        try connection.execute("CREATE TEMP TABLE IF NOT EXISTS event_retries (id INTEGER PRIMARY KEY, due TEXT NOT NULL)")
        hasEventRetries = true
    }

    /// Events a stopped daemon was sending go back to the queue (they are sent again, with the
    /// same webhook-id, which receivers use to drop a repeat).
    public func releaseSendingEvents() throws {
        try connection.run("UPDATE event_queue SET status = 'pending' WHERE status = 'sending'")
    }

    /// When the next event is due, if any (an event kept to the day and waiting in memory counts
    /// as due at the start of its day).
    public func nextEventDue() throws -> Date? {
        try connection.row("SELECT min(next_attempt_at) AS next FROM event_queue WHERE status = 'pending'")?.text("next").flatMap(Database.date)
    }

    /// Counts by status, for `/metrics` and the tests.
    public func eventCounts() throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try connection.rows("SELECT status, count(*) AS n FROM event_queue GROUP BY status").map {
            ($0.text("status") ?? "", $0.int("n") ?? 0)
        })
    }

    /// A stored time (`Database.now`) read back; a stored day (`2027-03-01`) as its start.
    public static func date(_ text: String) -> Date? {
        let b = Array(text.utf8)
        let dayOnly = b.count == 10 && b[4] == 0x2D && b[7] == 0x2D
        guard dayOnly || (b.count == 20 && b[4] == 0x2D && b[7] == 0x2D && b[10] == 0x54 && b[13] == 0x3A && b[16] == 0x3A && b[19] == 0x5A) else { return nil }
        func number(_ range: Range<Int>) -> Int32? { dayOnly && range.lowerBound > 10 ? 0 : Int32(String(decoding: b[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19) else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}
