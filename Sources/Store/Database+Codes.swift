import Foundation
import JSON
import SQLite
import Survey

/// The person an access code belongs to.
public struct CodeHolder: Sendable {
    public var token: String
    public var surveyID: String
}

extension Database {
    /// Gives every participant that has a link but no access code one (after the migration
    /// that brought codes; later every participant gets one as it is created).
    func assignMissingCodes() throws {
        try connection.transaction {
            let ids = try connection.rows("SELECT id FROM participants WHERE code IS NULL AND token IS NOT NULL").compactMap { $0.int("id") }
            let update = try connection.prepare("UPDATE participants SET code = ? WHERE id = ?")
            for id in ids { try withFreshCode { code in try update.run([.text(code), .integer(Int64(id))]) } }
        }
    }

    /// Runs `insert` with a new access code, and again with another in the (about one in
    /// 10^10 at a million codes) case that the code is taken.
    func withFreshCode(_ insert: (String) throws -> Void) throws {
        for attempt in 1...4 {
            do {
                return try insert(AccessCode.make())
            } catch let error as SQLiteError where error.isConstraint && attempt < 4 && error.message.contains("participants.code") {
                continue
            }
        }
    }

    /// Creates `count` participants without email or address (code slips for a class or a
    /// youth club), each with `attributes`, in one transaction. Returns their ids.
    @discardableResult
    public func createCodeParticipants(_ count: Int, survey: Survey, attributes: [(String, String)]) throws -> [Int64] {
        try connection.transaction {
            try register(survey)
            let insert = try connection.prepare("""
                INSERT INTO participants (survey_id, attributes, token, code, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                """)
            let json = JSONValue.object(attributes.map { ($0.0, .string($0.1)) }).serialized()
            let now = Database.now()
            var ids: [Int64] = []
            ids.reserveCapacity(count)
            for _ in 0..<count {
                try withFreshCode { code in try insert.run([.text(survey.id), .text(json), .text(Token.make()), .text(code), .text(now), .text(now)]) }
                ids.append(connection.lastInsertRowID)
            }
            return ids
        }
    }

    /// The personal link behind a normalized access code; nil for a code nobody holds (or held
    /// before `purge`).
    public func codeHolder(code: String) throws -> CodeHolder? {
        guard let row = try connection.row("SELECT token, survey_id FROM participants WHERE code = ?", [.text(code)]),
              let token = row.text("token"), let survey = row.text("survey_id") else { return nil }
        return CodeHolder(token: token, surveyID: survey)
    }
}
