import Foundation
import SQLite

/// The unfinished answers of a paged survey behind a personal link.
public struct Draft: Sendable, Equatable {
    /// The furthest page the participant has reached (0 = the first).
    public var reached: Int
    /// The form's fields so far, as `FormData.encode` writes them.
    public var fields: String

    public init(reached: Int, fields: String) {
        self.reached = reached
        self.fields = fields
    }
}

/// A draft to keep for a personal link (`ResponseWriter.submitDraft`).
public struct DraftSave: Sendable {
    public var surveyID: String
    public var token: String
    public var draft: Draft

    public init(surveyID: String, token: String, draft: Draft) {
        self.surveyID = surveyID
        self.token = token
        self.draft = draft
    }
}

extension Database {
    /// The draft kept for a personal link, if any.
    public func draft(token: String) throws -> Draft? {
        try connection.row("""
            SELECT d.reached, d.fields FROM drafts d JOIN participants p ON p.id = d.participant_id WHERE p.token = ?
            """, [.text(token)]).map { Draft(reached: $0.int("reached") ?? 0, fields: $0.text("fields") ?? "") }
    }

    /// Keeps each draft (replacing the one before) in one transaction; a draft for a link that
    /// is unknown or has answered is not kept (false in its place), so a late "Next" can never
    /// bring back a draft its response already removed.
    func saveDrafts(_ saves: [DraftSave]) throws -> [Bool] {
        try connection.transaction {
            try saves.map { save in
                try connection.run("""
                    INSERT OR REPLACE INTO drafts (participant_id, reached, fields)
                    SELECT id, ?, ? FROM participants WHERE token = ? AND survey_id = ? AND answered = 0
                    """, [.integer(Int64(save.draft.reached)), .text(save.draft.fields), .text(save.token), .text(save.surveyID)])
                return connection.changes > 0
            }
        }
    }

    /// Removes a participant's draft (inside the transaction that stores their response).
    func deleteDraft(participantID: Int64) throws {
        try connection.run("DELETE FROM drafts WHERE participant_id = ?", [.integer(participantID)])
    }

    /// Removes every draft of a survey (purge).
    func deleteDrafts(surveyID: String) throws -> Int {
        try connection.run("DELETE FROM drafts WHERE participant_id IN (SELECT id FROM participants WHERE survey_id = ?)", [.text(surveyID)])
        return connection.changes
    }

    /// The key named `name` the daemon keeps for itself (32 random bytes made on first use).
    public func daemonKey(_ name: String) throws -> [UInt8] {
        try connection.transaction {
            if let row = try connection.row("SELECT key FROM daemon_keys WHERE name = ?", [.text(name)]), case .blob(let key) = row["key"] {
                return key
            }
            let key = Token.secureRandomBytes(32)
            try connection.run("INSERT INTO daemon_keys (name, key) VALUES (?, ?)", [.text(name), .blob(key)])
            return key
        }
    }
}
