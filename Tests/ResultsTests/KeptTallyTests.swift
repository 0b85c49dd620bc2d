import Dispatch
import Foundation
import JSON
@testable import Results
import SQLite
import Store
@testable import Survey
import Testing

/// Kept tallies (`ResultsTally+Kept`): a kept tally plus the responses stored since must always
/// give the document a count of every row gives.
@Suite("Results: kept tallies equal a full recount")
struct KeptTallyTests {
    /// Keeps from the first response on, so that every step uses and keeps tallies.
    let keep = TallyKeeping(minimum: 1)
    /// Counts every row and keeps nothing: the reference.
    let recount = TallyKeeping(minimum: .max, recount: true)
    let when = Date(timeIntervalSince1970: 1_800_000_000)

    /// The document as JSON, with free texts in byte order: texts that are canonically equal
    /// ("é" and "e" + U+0301) are equal to `String <`, so their order among themselves is free.
    func document(_ survey: Survey, by: String?, texts: Bool = true, _ database: Database, _ keeping: TallyKeeping) throws -> String {
        let tally = try ResultsTally(survey: survey, by: by, database: database, keepingTexts: texts, keeping: keeping, parts: 2)
        return Self.bytewiseTexts(ResultsDocument(tally: tally, language: "de", invited: nil, generatedAt: when).json()).serialized(pretty: true)
    }

    static func bytewiseTexts(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            return .object(members.map { key, member in
                if ["answers", "other"].contains(key), case .array(let items) = member {
                    let texts = items.compactMap { item -> String? in if case .string(let text) = item { return text } else { return nil } }
                    if texts.count == items.count {
                        return (key, .array(texts.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map(JSONValue.string)))
                    }
                }
                return (key, bytewiseTexts(member))
            })
        case .array(let items): return .array(items.map(bytewiseTexts))
        default: return value
        }
    }

    /// Stores `responses` in one transaction as a paper import does, with the source of the
    /// form, the webhook (not anonymous) or paper, by `path`.
    func store(_ responses: [StoredResponse], _ survey: Survey, in database: Database, path: Int) throws {
        let new = responses.map { r in
            NewResponse(surveyID: survey.id, token: nil, anonymous: path % 3 != 1, carried: [],
                        answers: CheckedAnswers(answers: r.answers, otherTexts: r.other).json(in: survey),
                        source: ["form", "webhook", "paper"][path % 3], attributes: r.attributes.sorted { $0.key < $1.key })
        }
        try database.storePaperResponses(new, survey: survey)
    }

    func variants(_ survey: Survey) -> [(by: String?, texts: Bool)] {
        [(nil, true), ("kommune", true), ("source", true), (nil, false), ("kommune", false)]
    }

    @Test("batches of 1 to 700 responses stored by form, webhook and paper, a purge between: after each, every kind of kept tally equals a recount",
          arguments: [true, false])
    func stepByStep(keyable: Bool) throws {
        let survey = conditionSurvey(keyable: keyable)
        let all = conditionResponses(2400, seed: keyable ? 21 : 22)
        let database = try database(survey, Array(all[0..<300]))
        var stored = 300
        var keptUsed = 0
        for (step, size) in [1, 40, 2, 700, 31, 5, 120, 1, 600, 3].enumerated() {
            try store(Array(all[stored..<stored + size]), survey, in: database, path: step)
            stored += size
            if step == 4 { _ = try database.purge(surveyID: survey.id) }
            for (by, texts) in variants(survey) {
                let before = try database.connection.row("SELECT epoch FROM tally_snapshots WHERE survey_id = ? AND variant = ?",
                                                         [.text(survey.id), .text(ResultsTally(survey: survey, by: by, keepingTexts: texts).keptVariant)])?.int("epoch")
                let kept = try document(survey, by: by, texts: texts, database, keep)
                #expect(kept == (try document(survey, by: by, texts: texts, database, recount)), "step \(step), by \(by ?? "none"), texts \(texts)")
                if before != nil { keptUsed += 1 }
            }
        }
        #expect(stored == 1803)
        #expect(keptUsed == 7 * variants(survey).count,
                "every run after the first continued a kept tally, but after steps 2 and 9 (anonymous answers stored alone: none kept)")
        let count = try database.connection.row("SELECT count(*) AS n FROM tally_snapshots WHERE survey_id = ?", [.text(survey.id)])?.int("n")
        #expect(count == variants(survey).count)
        // The log keeps no order of the answers: no row number or time, and an epoch starts
        // only when a tally is kept and the current one holds 1,000 answers: the first count
        // covered the 300 by id, the epoch started at step 3 (1,043), none since (760 more).
        #expect(try database.connection.rows("PRAGMA table_info(tally_log)").compactMap { $0.text("name") } == ["survey_id", "epoch", "first_id", "response_ids", "responses"])
        #expect(try database.tallyEpoch(surveyID: survey.id).current == 1)
    }

    /// A valid kept tally that holds other numbers than the rows: what a run gives then shows
    /// whether it read the kept tally or the rows.
    func forge(_ survey: Survey, _ database: Database, variant: String, from responses: [StoredResponse]) throws {
        let forged = ResultsTally(survey: survey, by: nil, responses: responses)
        let row = try #require(try database.connection.row("SELECT epoch FROM tally_snapshots WHERE survey_id = ? AND variant = ?", [.text(survey.id), .text(variant)]))
        try database.connection.run("UPDATE tally_snapshots SET data = ?, responses = ? WHERE survey_id = ? AND variant = ?",
                                    [.blob(TallyBytes.encode(overall: forged.overall, groups: forged.groups)), .integer(Int64(responses.count)),
                                     .text(survey.id), .text(variant)])
        _ = row
    }

    @Test("anonymous answers stored alone are not noted (the kept tallies are void instead), answers stored together are one row, others one row each")
    func notedWithoutOrder() throws {
        let survey = conditionSurvey(keyable: true)
        let database = try database(survey, conditionResponses(30, seed: 30))
        func rows() throws -> [Int] { try database.connection.rows("SELECT responses FROM tally_log WHERE survey_id = ? ORDER BY responses", [.text(survey.id)]).compactMap { $0.int("responses") } }
        let before = try rows()
        try store(conditionResponses(1, seed: 31), survey, in: database, path: 0)
        #expect(try rows() == before, "an anonymous answer alone: no row")
        #expect(try database.tallyEpoch(surveyID: survey.id).voided == 1)
        try store(conditionResponses(4, seed: 32), survey, in: database, path: 2)
        #expect(try rows() == before && database.tallyEpoch(surveyID: survey.id).voided == 2, "four anonymous answers do not share a half: no rows")
        try store(conditionResponses(6, seed: 33), survey, in: database, path: 0)
        #expect(try rows() == (before + [6]).sorted(), "six stored together, their ids sharing a half: one row")
        try store(conditionResponses(2, seed: 34), survey, in: database, path: 1)
        #expect(try rows() == (before + [1, 1, 6]).sorted(), "answers that carry their participant and time anyway: a row each")
        #expect(try document(survey, by: nil, database, keep) == (try document(survey, by: nil, database, recount)))
        #expect(try database.connection.row("SELECT count(*) AS n FROM tally_snapshots")?.int("n") == 1)
        try store(conditionResponses(1, seed: 35), survey, in: database, path: 0)
        #expect(try database.connection.row("SELECT count(*) AS n FROM tally_snapshots")?.int("n") == 0,
                "no kept tally to subtract from the results (the difference would be that answer)")
        #expect(try document(survey, by: nil, database, keep) == (try document(survey, by: nil, database, recount)), "void: counted again")
    }

    @Test("bytes that claim more than the survey has stored, or a count beyond its responses, are refused before anything is allocated")
    func boundedBytes() throws {
        let survey = conditionSurvey(keyable: true)
        let plan = TallyPlan(survey)
        let tally = ResultsTally(survey: survey, by: "kommune", responses: conditionResponses(40, seed: 40))
        let bytes = TallyBytes.encode(overall: tally.overall, groups: tally.groups)
        func decodes(_ bytes: [UInt8], _ stored: Int) -> Bool { bytes.withUnsafeBytes { (try? TallyBytes.decode($0, plan, responses: stored)) != nil } }
        #expect(decodes(bytes, 40))
        #expect(!decodes(bytes, 39), "more responses than stored")
        var huge = tally
        huge.overall.questions[0].counts[0] = .max
        #expect(!decodes(TallyBytes.encode(overall: huge.overall, groups: huge.groups), 40), "a count beyond the responses (a sum would overflow)")
        var many = tally
        many.overall.questions[2].answered = 41
        #expect(!decodes(TallyBytes.encode(overall: many.overall, groups: many.groups), 1 << 40), "answered beyond the responses")
        var greedy = tally
        let name = try #require(greedy.groups.keys.first)
        greedy.groups[name]!.responses = 41
        #expect(!decodes(TallyBytes.encode(overall: greedy.overall, groups: greedy.groups), 1 << 40), "a group larger than the whole")
    }

    @Test("a run reads the kept tally, not the rows: a forged one shows through until --recount")
    func keptIsRead() throws {
        let survey = conditionSurvey(keyable: true)
        let responses = conditionResponses(500, seed: 5)
        let database = try database(survey, responses)
        let truth = try document(survey, by: nil, database, recount)
        #expect(try document(survey, by: nil, database, keep) == truth)
        try forge(survey, database, variant: "all", from: Array(responses.prefix(10)))
        let forged = try document(survey, by: nil, database, keep)
        #expect(forged != truth)
        #expect(forged.contains("\"responses\" : 10") || forged.contains("\"responses\": 10"))
        // --recount counts the rows and keeps that count.
        #expect(try document(survey, by: nil, database, TallyKeeping(minimum: 1, recount: true)) == truth)
        #expect(try document(survey, by: nil, database, keep) == truth)
    }

    @Test("a response deleted or changed, other questions, and unreadable bytes: the next run counts every row again")
    func voided() throws {
        let survey = conditionSurvey(keyable: false)
        let responses = conditionResponses(400, seed: 9)
        let database = try database(survey, responses)
        _ = try document(survey, by: "kommune", database, keep)
        // Deleted: the kept tallies go, and a mark in the log voids any kept from before it.
        try database.connection.run("DELETE FROM responses WHERE id = 'r00007'")
        #expect(try database.connection.row("SELECT count(*) AS n FROM tally_snapshots")?.int("n") == 0)
        #expect(try document(survey, by: "kommune", database, keep) == (try document(survey, by: "kommune", database, recount)))
        // Changed in place.
        try database.connection.run("UPDATE responses SET attributes = '{\"kommune\":\"Elsterwerda\"}' WHERE id = 'r00008'")
        let changed = try document(survey, by: "kommune", database, recount)
        #expect(changed.contains("Elsterwerda"))
        #expect(try document(survey, by: "kommune", database, keep) == changed)
        // The survey's questions changed: a tally of the old ones is not used, and is dropped
        // when the new one is kept.
        var edited = survey
        edited.questions.removeLast()
        #expect(try document(edited, by: "kommune", database, keep) == (try document(edited, by: "kommune", database, recount)))
        #expect(try database.connection.rows("SELECT plan FROM tally_snapshots WHERE survey_id = ?", [.text(survey.id)]).map { $0.text("plan") }
                == [TallyPlan(edited).fingerprint])
        // Bytes cut short, or garbage of the same length.
        for data in [SQLValue.blob([1, 0, 0]), .blob(Array(repeating: 0xFF, count: 4096)), .blob([])] {
            try database.connection.run("UPDATE tally_snapshots SET data = ?", [data])
            #expect(try document(edited, by: "kommune", database, keep) == (try document(edited, by: "kommune", database, recount)))
        }
    }

    @Test("a tally read before a deletion, behind the log's cut or behind the one kept is not kept; the log is cut to what every kept tally covers")
    func staleKeepsRefused() throws {
        let survey = conditionSurvey(keyable: true)
        let database = try database(survey, conditionResponses(50, seed: 3))
        /// Responses logged per epoch.
        func logged() throws -> [Int: Int] {
            Dictionary(try database.connection.rows("SELECT epoch, sum(responses) AS n FROM tally_log WHERE survey_id = ? GROUP BY epoch", [.text(survey.id)])
                .map { ($0.int("epoch")!, $0.int("n")!) }, uniquingKeysWith: +)
        }
        #expect(try logged() == [0: 50])
        let plan = TallyPlan(survey).fingerprint
        #expect(try database.startTallyEpoch(surveyID: survey.id, fewest: 51) == 0, "50 answers are too few to close an epoch")
        #expect(try database.startTallyEpoch(surveyID: survey.id, fewest: 50) == 1)
        try store(conditionResponses(5, seed: 4), survey, in: database, path: 0)
        #expect(try logged() == [0: 50, 1: 5])
        #expect(try database.connection.row("SELECT count(*) AS n FROM tally_log WHERE epoch = 1")?.int("n") == 1,
                "five answers stored together, their ids sharing a half: one row")
        #expect(try database.keepTally(surveyID: survey.id, variant: "all", KeptTally(plan: plan, epoch: 0, voided: 0, extras: [], responses: 50), data: [1]))
        #expect(try logged() == [1: 5], "the epoch every kept tally covers is cut")
        #expect(!(try database.keepTally(surveyID: survey.id, variant: "by:kommune", KeptTally(plan: plan, epoch: -1, voided: 0, extras: [], responses: 49), data: [1])),
                "entries before the cut are gone: a tally from before it cannot be continued")
        #expect(try database.startTallyEpoch(surveyID: survey.id, fewest: 5) == 2)
        #expect(try database.keepTally(surveyID: survey.id, variant: "all", KeptTally(plan: plan, epoch: 1, voided: 0, extras: [], responses: 55), data: [2]))
        #expect(!(try database.keepTally(surveyID: survey.id, variant: "all", KeptTally(plan: plan, epoch: 0, voided: 0, extras: [], responses: 50), data: [1])),
                "an older tally does not replace a newer one")
        try database.connection.run("DELETE FROM responses WHERE id = 'r00001'")
        #expect(try database.tallyEpoch(surveyID: survey.id).voided == 1)
        #expect(!(try database.keepTally(surveyID: survey.id, variant: "all", KeptTally(plan: plan, epoch: 2, voided: 0, extras: [], responses: 54), data: [1])),
                "a response was deleted after the tally was read")
    }

    @Test("responses stored by the response writer on its own thread while tallies are counted, kept and continued: the last equals a recount")
    func concurrentWrites() throws {
        let survey = conditionSurvey(keyable: true)
        let responses = conditionResponses(2500, seed: 13)
        let database = try database(survey, Array(responses.prefix(500)))
        let directory = (database.connection.path as NSString).deletingLastPathComponent
        let writer = try ResponseWriter(directory: directory)
        let done = DispatchGroup()
        for r in responses.dropFirst(500) {
            done.enter()
            writer.submit(NewResponse(surveyID: survey.id, token: nil, anonymous: true, carried: [],
                                      answers: CheckedAnswers(answers: r.answers, otherTexts: r.other).json(in: survey), source: "form",
                                      attributes: r.attributes.sorted { $0.key < $1.key })) { _ in done.leave() }
        }
        var runs = 0
        while done.wait(timeout: .now()) == .timedOut || runs < 3 {
            _ = try document(survey, by: "kommune", database, keep)
            runs += 1
        }
        #expect(try database.connection.row("SELECT count(*) AS n FROM responses")?.int("n") == 2500)
        #expect(try document(survey, by: "kommune", database, keep) == (try document(survey, by: "kommune", database, recount)))
        // And continued once more from what the runs above kept.
        try store(conditionResponses(30, seed: 14), survey, in: database, path: 1)
        #expect(try document(survey, by: "kommune", database, keep) == (try document(survey, by: "kommune", database, recount)))
    }
}
