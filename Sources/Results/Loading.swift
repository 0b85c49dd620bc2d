import Dispatch
import Foundation
import JSON
import Store
import Survey

extension ResultsTally {
    /// Tallies the stored responses of `survey`: from the tally kept by an earlier run and the
    /// responses stored since (`ResultsTally+Kept`), or, when none holds (or with
    /// `keeping.recount`), in one pass over every row.
    public init(survey: Survey, by: String?, database: Database, keepingTexts: Bool = true, keeping: TallyKeeping = .standard,
                parts: Int = min(ProcessInfo.processInfo.activeProcessorCount, 4)) throws {
        self.init(survey: survey, by: by, keepingTexts: keepingTexts)
        if !keeping.recount, let kept = try? continueKept(database, keeping: keeping) {
            self = kept
            return
        }
        // A tally worth keeping starts a new epoch of the log first (when the current one holds
        // enough answers): it then covers the epochs before, and by id the responses logged in
        // the current one (`LogPoint.extras`: at most about a thousand).
        let worthKeeping = ((try? database.responseCount(surveyID: survey.id)) ?? 0) >= keeping.minimum
        let covers = worthKeeping ? (try? database.startTallyEpoch(surveyID: survey.id)).map { $0 - 1 } : nil
        let point = try countAll(database, parts: parts, after: covers)
        if let covers, let point, overall.responses >= keeping.minimum { keep(database, epoch: covers, point) }
    }

    /// Where the log stood for a count: the survey's `voided` count, and the responses logged
    /// after the epoch the count is to cover.
    struct LogPoint: Hashable {
        var voided: Int
        var extras: Set<String>
    }

    /// Counts every row in one pass, reading each straight from its bytes (`AnswerScanner`),
    /// or the general way where it must. The rows are split by id into one range per processor,
    /// tallied side by side on connections of their own, and the tallies added up. Returns
    /// where the log stood (`epoch`: the one the count is to cover), nil when the parts saw it
    /// differently (a response stored while they began).
    mutating func countAll(_ database: Database, parts: Int, after epoch: Int?) throws -> LogPoint? {
        let ranges = try database.responseIDRanges(surveyID: survey.id, parts: parts)
        let start = self
        let results = Results(count: ranges.count)
        // One connection per part, each used by its part's thread alone.
        results.databases = [database] + (try ranges.dropFirst().map { _ in try Database(readerOf: database) })
        DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
            results.set(part, Result {
                let database = results.databases[part]
                return try database.reading {
                    let id = start.survey.id
                    let point = LogPoint(voided: try database.tallyEpoch(surveyID: id).voided,
                                         extras: try epoch.map { try database.loggedIDs(surveyID: id, after: $0) } ?? [])
                    var adder = try start.scan { column, body in try database.forEachResponseText(surveyID: id, ids: ranges[part], with: column, body) }
                    adder.sortValues()
                    return (adder, point)
                }
            })
        }
        var adder = Adder(self)
        var points = Set<LogPoint>()
        for result in results.values {
            let (part, point) = try result!.get()
            adder.merge(part)
            points.insert(point)
        }
        adder.finish(into: &self)
        return points.count == 1 ? points.first : nil
    }

    /// What each part came to, written by the parts' threads, and each part's connection.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        var databases: [Database] = []
        private(set) var values: [Result<(Adder, LogPoint), Error>?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ value: Result<(Adder, LogPoint), Error>) { lock.lock(); values[index] = value; lock.unlock() }
    }

    /// The rows `scan` reads: each row's attributes (or, by source, its source) and answers,
    /// handed to the body.
    typealias Rows = (Database.ResponseGroupColumn, (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Void

    /// Tallies `rows` into tallies of their own (on a plan of their own).
    func scan(_ rows: Rows) throws -> Adder {
        var adder = Adder(self, ownPlan: true)
        let key = by.map { Array($0.utf8) }
        var values: [(bytes: [UInt8], group: Int)] = []
        var conditions: [String: Answer] = [:]
        func add(_ answers: UnsafeBufferPointer<UInt8>, group: Int?) {
            if AnswerScanner.scan(answers, into: &adder.row, adder.plan) {
                adder.addScanned(group: group, scratch: &conditions)
            } else {
                let stored = survey.storedAnswers((try? JSONParser.parse(Array(answers))) ?? .object([]))
                adder.row.fill(stored.answers, other: stored.other, adder.plan)
                adder.add(group: group, conditions: stored.answers)
            }
        }
        if bySource {
            var groups: [(source: [UInt8], group: Int)] = []
            try rows(.source) { source, answers in
                let group: Int
                if let known = groups.first(where: { AnswerScanner.equal($0.source, source) }) {
                    group = known.group
                } else {
                    group = adder.group(Self.sourceName(String(decoding: source, as: UTF8.self)))
                    groups.append((Array(source), group))
                }
                add(answers, group: group)
            }
            return adder
        }
        try rows(.attributes) { attributes, answers in
            var group: Int?
            if let by, let key {
                let found = AnswerScanner.attribute(attributes, key)
                if !found.ok {
                    group = adder.group((try? JSONParser.parse(Array(attributes)))?.stringMembers.first { $0.0 == by }?.1 ?? "")
                } else if let bytes = found.value {
                    if let known = values.first(where: { AnswerScanner.equal($0.bytes, bytes) }) {
                        group = known.group
                    } else {
                        group = adder.group(String(decoding: bytes, as: UTF8.self))
                        values.append((Array(bytes), group!))
                    }
                } else {
                    group = adder.group("")
                }
            }
            add(answers, group: group)
        }
        return adder
    }
}

extension ResultsDocument {
    /// The results document of `survey` from the database, with the invited counts;
    /// `keepingTexts: false` leaves the free texts out (no `answers`, empty `other`).
    public init(survey: Survey, by: String?, language: String, database: Database, keepingTexts: Bool = true, keeping: TallyKeeping = .standard) throws {
        // Invitations have no source: by source, only the total. Counting them is a pass over
        // the participants (a second at a million), made on a connection of its own while the
        // responses are tallied.
        let invitedBy = by.map { ResultsTally.isSource($0, of: survey) } == true ? nil : by
        let counting = survey.access == .invite ? InvitedCounting(database, surveyID: survey.id, by: invitedBy) : nil
        let tally = try ResultsTally(survey: survey, by: by, database: database, keepingTexts: keepingTexts, keeping: keeping)
        let invited = try counting?.result()
        self.init(tally: tally, language: language,
                  invited: invited?.total, invitedByValue: invited?.byValue ?? [:])
    }
}

/// `Database.invitedCounts` on another thread and connection, started at once.
final class InvitedCounting: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<(total: Int, byValue: [String: Int]), Error> = .success((0, [:]))
    /// Used by the counting thread only.
    private let reader: Result<Database, Error>

    init(_ database: Database, surveyID: String, by: String?) {
        reader = Result { try Database(readerOf: database) }
        // A thread of its own: the tally keeps the shared pool's threads busy.
        Thread.detachNewThread { [self] in
            outcome = Result { try reader.get().invitedCounts(surveyID: surveyID, by: by) }
            done.signal()
        }
    }

    func result() throws -> (total: Int, byValue: [String: Int]) {
        done.wait()
        return try outcome.get()
    }
}

extension StoredResponse {
    /// The response of a stored row; members that no longer fit the survey are left out.
    init(_ survey: Survey, _ row: Database.StoredRow) {
        let stored = survey.storedAnswers((try? JSONParser.parse(row.answers)) ?? .object([]))
        self.init(attributes: Dictionary(((try? JSONParser.parse(row.attributes))?.stringMembers ?? []), uniquingKeysWith: { $1 }),
                  answers: stored.answers, other: stored.other)
    }
}
