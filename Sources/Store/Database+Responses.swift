import Foundation
import JSON
import SQLite

/// A response to store.
public struct NewResponse: Sendable {
    public var surveyID: String
    public var token: String?
    public var anonymous: Bool
    public var carried: [String]
    public var answers: String
    public var source: String
    /// For the response webhook: the key its receipt is kept under (an HMAC of the sender's
    /// webhook-id, see `webhookReceipt(key:)`); the same key again gets the first answer.
    public var receiptKey: String?
    /// The survey's `min_group_size`: answers stored together share part of their id only in
    /// groups at least this large (see `ResponseIDs`).
    public var minGroupSize: Int
    /// Attributes of a response without a token (typed in from paper for an open survey); a
    /// response with a token carries its participant's instead.
    public var attributes: [(String, String)]

    public init(surveyID: String, token: String?, anonymous: Bool, carried: [String], answers: String, source: String,
                receiptKey: String? = nil, minGroupSize: Int = 5, attributes: [(String, String)] = []) {
        self.minGroupSize = minGroupSize
        self.attributes = attributes
        self.surveyID = surveyID
        self.token = token
        self.anonymous = anonymous
        self.carried = carried
        self.answers = answers
        self.source = source
        self.receiptKey = receiptKey
    }
}

/// What storing a response came to.
public enum StoreOutcome: Sendable, Equatable {
    case stored(id: String)
    case alreadyAnswered
    case unknownToken
    /// The webhook-id was seen before: the first answer, nothing stored.
    case replay(status: Int, body: String)
}

extension Database {
    /// Stores one response inside a transaction the caller holds (`ResponseWriter`'s group commit). With a token,
    /// the participant must exist and not have answered; they are marked as answered. Only the
    /// survey's carried attributes are copied. Anonymous responses keep no participant id and
    /// only the day, and their random ids follow no order. With a receipt key seen before, the
    /// first answer is returned and nothing is stored. `id`: from `ResponseIDs`. `counted: false`
    /// leaves the survey's `response_count` to the caller (a group adds its answers at once).
    func insert(_ new: NewResponse, id: String = Token.make(), now: Date, counted: Bool = true) throws -> StoreOutcome {
        if let key = new.receiptKey, let first = try webhookReceipt(key: key) {
            return .replay(status: first.status, body: first.body)
        }
        let (stamp, day) = stamps(now)
        var participantID: Int64?
        var attributes = new.attributes.isEmpty ? "{}" : JSONValue.object(new.attributes.map { ($0.0, .string($0.1)) }).serialized()
        if let token = new.token {
            guard let row = try connection.row("SELECT id, answered, attributes FROM participants WHERE token = ? AND survey_id = ?",
                                               [.text(token), .text(new.surveyID)]) else { return .unknownToken }
            if row.int("answered") == 1 { return .alreadyAnswered }
            participantID = Int64(row.int("id")!)
            let all = (try? JSONParser.parse(row.text("attributes") ?? "{}"))?.stringMembers ?? []
            attributes = JSONValue.object(all.filter { new.carried.contains($0.0) }.map { ($0.0, .string($0.1)) }).serialized()
            // Anonymous: the flag only, not when (that time could single out their answer).
            if new.anonymous {
                try connection.run("UPDATE participants SET answered = 1 WHERE id = ?", [.integer(participantID!)])
            } else {
                try connection.run("UPDATE participants SET answered = 1, updated_at = ? WHERE id = ?", [.text(stamp), .integer(participantID!)])
            }
            // The unfinished answers of a paged form go with the answer (the writer's connection
            // deletes with secure_delete = ON: nothing of them stays readable in the file).
            try deleteDraft(participantID: participantID!)
        }
        try connection.run("""
            INSERT INTO responses (id, survey_id, participant_id, submitted, source, attributes, answers) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(id), .text(new.surveyID), new.anonymous ? .null : participantID.map(SQLValue.integer) ?? .null,
                  .text(new.anonymous ? day : stamp), .text(new.source), .text(attributes), .text(new.answers)])
        if counted { try addToCount(new.surveyID, 1) }
        if let key = new.receiptKey {
            // Kept at least 48 hours: until the day 48 hours ago has passed. Anonymous: the day
            // only, next to the response id.
            let expired = String(Database.now(now.addingTimeInterval(-48 * 3600)).prefix(10))
            try connection.run("DELETE FROM webhook_receipts WHERE received_at < ?", [.text(expired)])
            try connection.run("INSERT INTO webhook_receipts (key, status, body, received_at) VALUES (?, 201, ?, ?)",
                               [.text(key), .text(JSONValue.object([("response", .string(id))]).serialized()), .text(new.anonymous ? day : stamp)])
        }
        guard let events else { return .stored(id: id) }
        // Anonymous surveys: the response's random id only, never its answers or the participant,
        // and no time finer than the day (`enqueueEvent`).
        let anonymous = new.anonymous || events.anonymous(new.surveyID)
        var data: [(String, JSONValue)] = [("response", .string(id))]
        if !anonymous, let answers = try? JSONParser.parse(new.answers) {
            data.append(("answers", answers))
        }
        try enqueueEvent("response.created", surveyID: new.surveyID, data: data, now: now, dayOnly: anonymous)
        return .stored(id: id)
    }

    func addToCount(_ surveyID: String, _ stored: Int) throws {
        try connection.run("UPDATE surveys SET response_count = response_count + ? WHERE id = ?", [.integer(Int64(stored)), .text(surveyID)])
    }

    /// The first answer to a webhook-id seen in the last 48 hours or more, if any. `key`: what
    /// the receipt is kept under: the webhook side's HMAC of the id under its secret, so that the
    /// sender's id (which can name a person) is never stored and cannot be guessed back from
    /// the database alone. The table is keyed by it (WITHOUT ROWID): its rows follow no order of arrival.
    public func webhookReceipt(key: String) throws -> (status: Int, body: String)? {
        try connection.row("SELECT status, body FROM webhook_receipts WHERE key = ?", [.text(key)]).map {
            ($0.int("status") ?? 201, $0.text("body") ?? "")
        }
    }
}

/// What `/metrics` reports from the database.
public struct StoreMetrics: Sendable {
    public var responses: [(survey: String, count: Int)] = []
    public var mail: [(status: String, count: Int)] = []
}

extension Database {
    public func metrics() throws -> StoreMetrics {
        var metrics = StoreMetrics()
        metrics.responses = try connection.rows("SELECT id AS survey_id, response_count AS n FROM surveys WHERE response_count > 0 ORDER BY id").map {
            ($0.text("survey_id") ?? "", $0.int("n") ?? 0)
        }
        metrics.mail = try connection.rows("SELECT status, count(*) AS n FROM mail_queue GROUP BY status ORDER BY status").map {
            ($0.text("status") ?? "", $0.int("n") ?? 0)
        }
        return metrics
    }
}

/// The responses whose id is at least `from` and, if set, below `below`.
public struct ResponseIDRange: Sendable, Equatable {
    public var from: String
    public var below: String?
    public static let all = ResponseIDRange(from: "", below: nil)
}

extension Database {
    /// One stored response as its JSON texts.
    public struct StoredRow {
        public var id: String
        /// The time of the answer; for anonymous surveys only the day.
        public var submitted: String
        public var attributes: String
        public var answers: String
    }

    /// Hands every response of a survey to `body`, row by row, in id order (random, so it
    /// follows neither the invitation nor the answer order).
    public func forEachResponse(surveyID: String, _ body: (StoredRow) throws -> Void) throws {
        let statement = try connection.cached("SELECT id, submitted, attributes, answers FROM responses WHERE survey_id = ? ORDER BY id")
        try statement.bind([.text(surveyID)])
        while try statement.step() {
            guard let id = statement.text(0), let submitted = statement.text(1),
                  let attributes = statement.text(2), let answers = statement.text(3) else { continue }
            try body(StoredRow(id: id, submitted: submitted, attributes: attributes, answers: answers))
        }
    }

    /// What `forEachResponseText` hands over beside the answers: the attributes, or the source
    /// (`form`, `webhook` or `paper`: how the answer came in, for the breakdown by source).
    public enum ResponseGroupColumn: String, Sendable { case attributes, source }

    /// Hands the attributes (or the source) and answers of every response of a survey whose id lies
    /// in `ids` to `body` as UTF-8 bytes, valid only during the call: the fast way to tally a million responses.
    public func forEachResponseText(surveyID: String, ids: ResponseIDRange = .all, with column: ResponseGroupColumn = .attributes,
                                    _ body: (_ attributes: UnsafeBufferPointer<UInt8>, _ answers: UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let statement = try connection.cached("SELECT \(column.rawValue), answers FROM responses NOT INDEXED WHERE survey_id = ?1 AND id >= ?2 AND id < ?3")
        // Ids are printable ASCII, so DEL is above every one of them.
        try statement.bind([.text(surveyID), .text(ids.from), .text(ids.below ?? "\u{7F}")])
        while try statement.step() {
            try statement.withText(0) { attributes in try statement.withText(1) { answers in try body(attributes, answers) } }
        }
    }

    /// Splits the ids of a survey's responses into about `parts` ranges of similar size (ids are
    /// random, so ranges of equal width hold about as many responses).
    public func responseIDRanges(surveyID: String, parts: Int) throws -> [ResponseIDRange] {
        // Each end is one step down the primary key (min() and max() together read every row of
        // the survey: 0.4 s at a million).
        guard parts > 1, let row = try connection.row("""
            SELECT (SELECT id FROM responses WHERE survey_id = ?1 ORDER BY id LIMIT 1) AS low,
                   (SELECT id FROM responses WHERE survey_id = ?1 ORDER BY id DESC LIMIT 1) AS high
            """, [.text(surveyID)]),
              let low = row.text("low"), let high = row.text("high") else { return [.all] }
        // The first 6 bytes of the lowest and highest id as numbers, cut into equal widths. Any
        // bound is correct (each id falls in exactly one range); bytes are kept to ASCII without
        // control characters, which keeps the bounds in order.
        func number(_ s: String) -> UInt64 { Array(s.utf8.prefix(6) + Array(repeating: 0x20, count: 6)).prefix(6).reduce(0) { $0 << 8 | UInt64($1) } }
        let (a, b) = (number(low), number(high))
        guard b > a else { return [.all] }
        var bounds: [String] = []
        for k in 1..<parts {
            var value = a + (b - a) / UInt64(parts) * UInt64(k)
            var bytes = [UInt8](repeating: 0, count: 6)
            for i in (0..<6).reversed() { bytes[i] = min(max(UInt8(value & 0xFF), 0x20), 0x7E); value >>= 8 }
            bounds.append(String(decoding: bytes, as: UTF8.self))
        }
        return zip([""] + bounds, bounds.map(Optional.some) + [nil]).map { ResponseIDRange(from: $0, below: $1) }
    }

    /// How many participants were invited, by mail or by a printed letter or card, in all and per value of `attribute`.
    public func invitedCounts(surveyID: String, by attribute: String?) throws -> (total: Int, byValue: [String: Int]) {
        let value = attribute == nil ? "''" : "coalesce(json_extract(p.attributes, '$.' || ?2), '')"
        let rows = try connection.rows("""
            SELECT \(value) AS value, count(*) AS n
            FROM participants p WHERE p.survey_id = ?1
              AND (p.printed_at IS NOT NULL
                   OR EXISTS (SELECT 1 FROM mail_queue m WHERE m.participant_id = p.id AND m.kind = 'invitation'))
            GROUP BY value
            """, [.text(surveyID)] + (attribute.map { [.text($0)] } ?? []))
        var byValue: [String: Int] = [:]
        var total = 0
        for row in rows {
            total += row.int("n") ?? 0
            if attribute != nil { byValue[row.text("value") ?? ""] = row.int("n") ?? 0 }
        }
        return (total, byValue)
    }
}

extension Database {
    /// How many responses a survey has stored (the count kept on its row; no scan).
    public func responseCount(surveyID: String) throws -> Int {
        try connection.row("SELECT response_count AS n FROM surveys WHERE id = ?", [.text(surveyID)])?.int("n") ?? 0
    }
}
