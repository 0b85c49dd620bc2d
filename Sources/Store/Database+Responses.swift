import Foundation
import JSON
import SQLite

/// What storing a response came to.
public enum StoreOutcome: Sendable, Equatable {
    case stored(id: String)
    case alreadyAnswered
    case unknownToken
}

extension Database {
    /// Stores one response in one immediate transaction; when it returns `.stored`, the
    /// response is on disk (synchronous=FULL). With a token, the participant must exist and
    /// not have answered; they are marked as answered. `carried` names the participant
    /// attributes copied into the response. Anonymous responses keep no participant id and
    /// only the day, and their random ids follow no order.
    public func storeResponse(surveyID: String, token: String?, anonymous: Bool, carried: [String],
                              answers: String, source: String, now: Date = Date()) throws -> StoreOutcome {
        try connection.transaction {
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
            return .stored(id: id)
        }
    }
}
