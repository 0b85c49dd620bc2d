import Foundation
import JSON
import SQLite

/// What storing a response came to.
public enum StoreOutcome: Sendable, Equatable {
    case stored(id: String)
    case alreadyAnswered
    case unknownToken
    /// The webhook-id was seen before: the first answer, nothing stored.
    case replay(status: Int, body: String)
}

extension Database {
    /// Stores one response in one immediate transaction; when it returns `.stored`, the
    /// response is on disk (synchronous=FULL). With a token, the participant must exist and
    /// not have answered; they are marked as answered. `carried` names the participant
    /// attributes copied into the response. Anonymous responses keep no participant id and
    /// only the day, and their random ids follow no order.
    public func storeResponse(surveyID: String, token: String?, anonymous: Bool, carried: [String],
                              answers: String, source: String, webhookID: String? = nil, now: Date = Date()) throws -> StoreOutcome {
        try connection.transaction {
            if let webhookID, let first = try connection.row("SELECT status, body FROM webhook_receipts WHERE webhook_id = ?", [.text(webhookID)]) {
                return .replay(status: first.int("status") ?? 201, body: first.text("body") ?? "")
            }
            var participantID: Int64?
            var attributes = "{}"
            if let token {
                guard let row = try connection.row("SELECT id, answered, attributes FROM participants WHERE token = ? AND survey_id = ?",
                                                   [.text(token), .text(surveyID)]) else { return .unknownToken }
                if row.int("answered") == 1 { return .alreadyAnswered }
                participantID = Int64(row.int("id")!)
                let all = (try? JSONParser.parse(row.text("attributes") ?? "{}"))?.stringMembers ?? []
                attributes = JSONValue.object(all.filter { carried.contains($0.0) }.map { ($0.0, .string($0.1)) }).serialized()
                try connection.run("UPDATE participants SET answered = 1, updated_at = ? WHERE id = ?", [.text(Database.now(now)), .integer(participantID!)])
            }
            let id = Token.make()
            let stamp = Database.now(now)
            try connection.run("""
                INSERT INTO responses (id, survey_id, participant_id, submitted, source, attributes, answers) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.text(id), .text(surveyID), anonymous ? .null : participantID.map(SQLValue.integer) ?? .null,
                      .text(anonymous ? String(stamp.prefix(10)) : stamp), .text(source), .text(attributes), .text(answers)])
            if let webhookID {
                try connection.run("DELETE FROM webhook_receipts WHERE received_at < ?", [.text(Database.now(now.addingTimeInterval(-48 * 3600)))])
                try connection.run("INSERT INTO webhook_receipts (webhook_id, status, body, received_at) VALUES (?, 201, ?, ?)",
                                   [.text(webhookID), .text(JSONValue.object([("response", .string(id))]).serialized()), .text(stamp)])
            }
            return .stored(id: id)
        }
    }

    /// The first answer to a webhook-id seen in the last 24 hours or more, if any.
    public func webhookReceipt(_ webhookID: String) throws -> (status: Int, body: String)? {
        try connection.row("SELECT status, body FROM webhook_receipts WHERE webhook_id = ?", [.text(webhookID)]).map {
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
        metrics.responses = try connection.rows("SELECT survey_id, count(*) AS n FROM responses GROUP BY survey_id ORDER BY survey_id").map {
            ($0.text("survey_id") ?? "", $0.int("n") ?? 0)
        }
        metrics.mail = try connection.rows("SELECT status, count(*) AS n FROM mail_queue GROUP BY status ORDER BY status").map {
            ($0.text("status") ?? "", $0.int("n") ?? 0)
        }
        return metrics
    }
}
