import Foundation
import JSON
import SQLite
import Survey

/// The holder of an access code typed from a paper questionnaire, as the import checks it.
public struct PaperCodeHolder: Sendable {
    /// The personal link token, under which the answer is stored like a web answer.
    public var token: String
    public var surveyID: String
    public var answered: Bool
    /// The participant's attributes as stored (a JSON object); the survey's carried ones travel with the answer.
    var attributesJSON: String

    /// The participant's attributes, read when asked for (most typed rows leave them empty).
    public var attributes: [(String, String)] { (try? JSONParser.parse(attributesJSON))?.stringMembers ?? [] }
}

/// Why a paper import stored nothing although every row had passed its checks: between the
/// checks and the transaction a person answered online (or was purged).
public struct PaperImportConflict: Error, Sendable {
    /// The index of the response (in the order given) that could not be stored.
    public var index: Int
    public var outcome: StoreOutcome
}

extension Database {
    /// The holders of normalized access codes (`AccessCode.normalize`), by code; codes nobody
    /// holds (or held before `purge`) are missing. A check before the import: the transaction
    /// that stores the answers checks each holder again.
    public func paperCodeHolders(_ codes: [String]) throws -> [String: PaperCodeHolder] {
        var holders: [String: PaperCodeHolder] = [:]
        holders.reserveCapacity(codes.count)
        let statement = try connection.cached("SELECT token, survey_id, answered, attributes FROM participants WHERE code = ?")
        for code in codes where holders[code] == nil {
            guard let row = try statement.rows([.text(code)]).first, let token = row.text("token"),
                  let survey = row.text("survey_id") else { continue }
            holders[code] = PaperCodeHolder(token: token, surveyID: survey, answered: row.int("answered") == 1, attributesJSON: row.text("attributes") ?? "{}")
        }
        return holders
    }

    /// Stores the responses typed in from paper questionnaires in ONE transaction, through the
    /// same insert as web answers (`insert`): with a token the participant is marked answered
    /// and their carried attributes copied; anonymous answers keep no participant id and only
    /// the day; ids from `ResponseIDs` follow neither the file's nor any other order. All or
    /// nothing: when one response cannot be stored (its code answered online meanwhile), the
    /// transaction is rolled back and `PaperImportConflict` thrown.
    /// - Returns: the ids of the stored responses, in the order given.
    /// - Throws: `PaperImportConflict`, `SQLiteError`; then nothing is stored.
    @discardableResult
    public func storePaperResponses(_ responses: [NewResponse], survey: Survey, now: Date = Date()) throws -> [String] {
        guard !responses.isEmpty else { return [] }
        let plan = ResponseIDs.plan(responses)
        return try connection.transaction {
            try register(survey)
            for (n, response) in responses.enumerated() {
                let outcome = try insert(response, id: plan.ids[n], now: now, counted: false)
                guard case .stored = outcome else { throw PaperImportConflict(index: n, outcome: outcome) }
            }
            try addToCount(survey.id, responses.count)
            try noteForTally(surveyID: survey.id, plan.ids, together: plan.surveys.first?.least != nil, anonymous: responses[0].anonymous)
            return plan.ids
        }
    }

    /// After storing anonymous answers from a command: copies the WAL into the database file
    /// and empties it (waiting up to `patience` milliseconds for readers such as a running
    /// daemon), so that no frame pairs a participant's "answered" flag with a response.
    /// Best effort: false when the WAL was busy (the daemon's checkpoints copy it later).
    @discardableResult
    public func emptyWriteAheadLog(patience: Int32 = 2000) -> Bool {
        connection.waiting(atMost: patience) {
            (try? connection.row("PRAGMA wal_checkpoint(TRUNCATE)"))??.int("busy") == 0
        }
    }
}
