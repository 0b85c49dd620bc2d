import SQLite

/// A survey's tallies kept between runs of `results` (the bytes are the Results target's):
/// they cover every response logged in epochs up to `epoch`, and `extras` of later epochs.
public struct KeptTally: Sendable, Equatable {
    /// The fingerprint of the questions as the tally read them.
    public var plan: String
    public var epoch: Int
    /// The survey's `voided` count when the tally was read.
    public var voided: Int
    public var extras: Set<String>
    public var responses: Int

    public init(plan: String, epoch: Int, voided: Int, extras: Set<String>, responses: Int) {
        self.plan = plan
        self.epoch = epoch
        self.voided = voided
        self.extras = extras
        self.responses = responses
    }
}

/// Where a survey's tally log stands (`tally_epochs`).
public struct TallyEpoch: Sendable, Equatable {
    /// New responses are logged under this epoch.
    public var current = 0
    /// Entries of epochs up to this one are cut away.
    public var cut = -1
    /// How often something happened that a kept tally cannot follow (an anonymous answer
    /// stored alone, a response deleted or changed).
    public var voided = 0
}

extension Database {
    /// Runs `body` in one read transaction: every statement in it sees the database as it was
    /// at the first, whatever other connections commit meanwhile.
    public func reading<T>(_ body: () throws -> T) throws -> T {
        try connection.cached("BEGIN").run()
        do {
            let result = try body()
            try connection.cached("COMMIT").run()
            return result
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Notes responses just stored (`ids`, in the transaction that stores them) in the tally
    /// log under the survey's current epoch: in one row when they were stored `together` with
    /// ids that share a half (`ResponseIDs`), else one row each. An `anonymous` answer stored
    /// alone is not noted (a row of its own would tell it apart as one of the newest): the
    /// survey's kept tallies are made void and deleted instead (what they held subtracted from
    /// the results would be that answer), and the next run counts every row.
    func noteForTally(surveyID: String, _ ids: [String], together: Bool, anonymous: Bool) throws {
        guard together || !anonymous else {
            try connection.run("INSERT INTO tally_epochs (survey_id, voided) VALUES (?, 1) ON CONFLICT (survey_id) DO UPDATE SET voided = voided + 1",
                               [.text(surveyID)])
            try connection.run("DELETE FROM tally_snapshots WHERE survey_id = ?", [.text(surveyID)])
            return
        }
        let epoch = try tallyEpoch(surveyID: surveyID).current
        let rows = together ? [ids.sorted()] : ids.map { [$0] }
        for row in rows {
            try connection.run("INSERT INTO tally_log (survey_id, epoch, first_id, response_ids, responses) VALUES (?, ?, ?, ?, ?)",
                               [.text(surveyID), .integer(Int64(epoch)), .text(row[0]), .text(row.joined(separator: ",")), .integer(Int64(row.count))])
        }
    }

    public func tallyEpoch(surveyID: String) throws -> TallyEpoch {
        guard let row = try connection.row("SELECT epoch, cut, voided FROM tally_epochs WHERE survey_id = ?", [.text(surveyID)]) else { return TallyEpoch() }
        return TallyEpoch(current: row.int("epoch") ?? 0, cut: row.int("cut") ?? -1, voided: row.int("voided") ?? 0)
    }

    /// Starts the next epoch of `surveyID`'s log, if the current one holds at least `fewest`
    /// responses, and returns the epoch now current: what is stored from now on is logged
    /// under it. An epoch tells when its answers came only as "after the one before": each
    /// holds at least `fewest` of them (the last, still open, any number). Waits at most
    /// `patience` milliseconds for the write lock.
    public func startTallyEpoch(surveyID: String, fewest: Int = 1000, patience: Int32 = 1000) throws -> Int {
        try connection.waiting(atMost: patience) {
            try connection.transaction {
                let current = try tallyEpoch(surveyID: surveyID).current
                let held = try connection.row("SELECT coalesce(sum(responses), 0) AS n FROM tally_log WHERE survey_id = ? AND epoch = ?",
                                              [.text(surveyID), .integer(Int64(current))])?.int("n") ?? 0
                guard held >= fewest else { return current }
                try connection.run("""
                    INSERT INTO tally_epochs (survey_id, epoch) VALUES (?, 1) ON CONFLICT (survey_id) DO UPDATE SET epoch = epoch + 1
                    """, [.text(surveyID)])
                return current + 1
            }
        }
    }

    /// The ids logged for `surveyID` in epochs after `epoch`.
    public func loggedIDs(surveyID: String, after epoch: Int) throws -> Set<String> {
        var ids = Set<String>()
        for row in try connection.rows("SELECT response_ids FROM tally_log WHERE survey_id = ? AND epoch > ?", [.text(surveyID), .integer(Int64(epoch))]) {
            for id in (row.text("response_ids") ?? "").split(separator: ",") { ids.insert(String(id)) }
        }
        return ids
    }

    /// How many responses are logged for `surveyID` in epochs after `epoch`.
    public func loggedCount(surveyID: String, after epoch: Int) throws -> Int {
        try connection.row("SELECT coalesce(sum(responses), 0) AS n FROM tally_log WHERE survey_id = ? AND epoch > ?",
                           [.text(surveyID), .integer(Int64(epoch))])?.int("n") ?? 0
    }

    /// What is kept for `surveyID` and `variant`, without its bytes; nil when nothing is.
    public func keptTally(surveyID: String, variant: String) throws -> KeptTally? {
        try withKeptTally(surveyID: surveyID, variant: variant, bytes: false) { kept, _ in kept }
    }

    /// Hands the kept tally of `surveyID` and `variant` and its bytes (valid only inside `body`)
    /// to `body`; nil when none is kept.
    public func withKeptTally<T>(surveyID: String, variant: String, bytes: Bool = true, _ body: (KeptTally, UnsafeRawBufferPointer) throws -> T) throws -> T? {
        let statement = try connection.cached("SELECT plan, epoch, voided, extras, responses\(bytes ? ", data" : "") FROM tally_snapshots WHERE survey_id = ? AND variant = ?")
        try statement.bind([.text(surveyID), .text(variant)])
        guard try statement.step() else { return nil }
        defer { statement.reset() }
        let extras = (statement.text(3) ?? "").split(separator: ",").map(String.init)
        let kept = KeptTally(plan: statement.text(0) ?? "", epoch: statement.int(1) ?? 0, voided: statement.int(2) ?? 0,
                             extras: Set(extras), responses: statement.int(4) ?? 0)
        guard bytes else { return try body(kept, UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try statement.withBlob(5) { try body(kept, $0) }
    }

    /// Hands the attributes (or the source) and answers of each response of `surveyID` logged
    /// in epochs after `epoch`, except those in `skipping`, to `body`, as `forEachResponseText`
    /// does (each looked up by its id).
    public func forEachLoggedResponse(surveyID: String, after epoch: Int, skipping: Set<String>, with column: ResponseGroupColumn = .attributes,
                                      _ body: (_ attributes: UnsafeBufferPointer<UInt8>, _ answers: UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let statement = try connection.cached("SELECT \(column.rawValue), answers FROM responses WHERE survey_id = ? AND id = ?")
        for id in try loggedIDs(surveyID: surveyID, after: epoch).subtracting(skipping) {
            try statement.bind([.text(surveyID), .text(id)])
            guard try statement.step() else { continue }
            try statement.withText(0) { attributes in try statement.withText(1) { answers in try body(attributes, answers) } }
            statement.reset()
        }
    }

    /// Keeps `data` as the tally of `surveyID` and `variant`, unless it no longer holds (made
    /// void since it was read; its epochs cut away) or the one kept covers more. Drops the
    /// survey's tallies of other questions or two epochs behind, and cuts the log entries that
    /// every kept tally of the survey covers. Waits at most `patience` milliseconds for the
    /// write lock. Returns whether it was kept.
    @discardableResult
    public func keepTally(surveyID: String, variant: String, _ kept: KeptTally, data: [UInt8], patience: Int32 = 1000) throws -> Bool {
        try connection.waiting(atMost: patience) {
            try connection.transaction {
                let survey = SQLValue.text(surveyID)
                let state = try tallyEpoch(surveyID: surveyID)
                let current = try connection.row("SELECT epoch FROM tally_snapshots WHERE survey_id = ? AND variant = ? AND plan = ?",
                                                  [survey, .text(variant), .text(kept.plan)])?.int("epoch")
                guard kept.voided == state.voided, kept.epoch >= state.cut, kept.epoch >= current ?? kept.epoch else { return false }
                // Tallies of other questions, and those two epochs or more behind (a breakdown
                // nobody asked for in a while): they would keep the log from being cut.
                try connection.run("DELETE FROM tally_snapshots WHERE survey_id = ? AND (plan <> ? OR epoch < ?)",
                                   [survey, .text(kept.plan), .integer(Int64(kept.epoch - 1))])
                try connection.run("""
                    INSERT INTO tally_snapshots (survey_id, variant, plan, epoch, voided, extras, responses, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (survey_id, variant) DO UPDATE SET plan = excluded.plan, epoch = excluded.epoch, voided = excluded.voided,
                        extras = excluded.extras, responses = excluded.responses, data = excluded.data
                    """, [survey, .text(variant), .text(kept.plan), .integer(Int64(kept.epoch)), .integer(Int64(kept.voided)),
                          .text(kept.extras.sorted().joined(separator: ",")), .integer(Int64(kept.responses)), .blob(data)])
                let covered = try connection.row("SELECT min(epoch) AS epoch FROM tally_snapshots WHERE survey_id = ?", [survey])?.int("epoch") ?? -1
                if covered > state.cut {
                    try connection.run("DELETE FROM tally_log WHERE survey_id = ? AND epoch <= ?", [survey, .integer(Int64(covered))])
                    try connection.run("""
                        INSERT INTO tally_epochs (survey_id, cut) VALUES (?1, ?2) ON CONFLICT (survey_id) DO UPDATE SET cut = ?2
                        """, [survey, .integer(Int64(covered))])
                }
                return true
            }
        }
    }
}
