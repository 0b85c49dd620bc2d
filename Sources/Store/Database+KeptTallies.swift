import SQLite

/// A survey's tallies kept between runs of `results` (the bytes are the Results target's),
/// as of a point in the tally log: they cover every response logged up to `upto`.
public struct KeptTally: Sendable, Equatable {
    /// The fingerprint of the questions as the tally read them.
    public var plan: String
    public var upto: Int
    public var responses: Int

    public init(plan: String, upto: Int, responses: Int) {
        self.plan = plan
        self.upto = upto
        self.responses = responses
    }
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

    /// The point in the tally log up to which every response is logged: its last entry (0:
    /// none yet). A response stored later gets a later entry (the last entry is never cut).
    public func lastLogged() throws -> Int {
        try connection.row("SELECT coalesce(max(seq), 0) AS seq FROM tally_log")?.int("seq") ?? 0
    }

    /// Hands the kept tally of `surveyID` and `variant` and its bytes (valid only inside `body`)
    /// to `body`; nil when none is kept.
    public func withKeptTally<T>(surveyID: String, variant: String, _ body: (KeptTally, UnsafeRawBufferPointer) throws -> T) throws -> T? {
        let statement = try connection.cached("SELECT plan, upto, responses, data FROM tally_snapshots WHERE survey_id = ? AND variant = ?")
        try statement.bind([.text(surveyID), .text(variant)])
        guard try statement.step() else { return nil }
        defer { statement.reset() }
        let kept = KeptTally(plan: statement.text(0) ?? "", upto: statement.int(1) ?? 0, responses: statement.int(2) ?? 0)
        return try statement.withBlob(3) { try body(kept, $0) }
    }

    /// Whether the log holds, after `upto`, a mark that a response of `surveyID` was deleted or
    /// changed (a tally kept from before it no longer holds).
    public func hasTallyMark(surveyID: String, after upto: Int) throws -> Bool {
        try connection.row("SELECT 1 FROM tally_log WHERE survey_id = ? AND seq > ? AND response_id IS NULL LIMIT 1",
                           [.text(surveyID), .integer(Int64(upto))]) != nil
    }

    /// How many entries the tally log holds for `surveyID` after `upto`.
    public func loggedCount(surveyID: String, after upto: Int) throws -> Int {
        try connection.row("SELECT count(*) AS n FROM tally_log WHERE survey_id = ? AND seq > ?", [.text(surveyID), .integer(Int64(upto))])?.int("n") ?? 0
    }

    /// Hands the attributes (or the source) and answers of each response of `surveyID` logged
    /// after `upto` to `body`, as `forEachResponseText` does; returns the last log entry read
    /// (`upto` when there was none) and how many responses were read.
    public func forEachLoggedResponse(surveyID: String, after upto: Int, with column: ResponseGroupColumn = .attributes,
                                      _ body: (_ attributes: UnsafeBufferPointer<UInt8>, _ answers: UnsafeBufferPointer<UInt8>) throws -> Void) throws -> (last: Int, count: Int) {
        let statement = try connection.cached("""
            SELECT l.seq, r.\(column.rawValue), r.answers FROM tally_log l JOIN responses r ON r.survey_id = l.survey_id AND r.id = l.response_id
            WHERE l.survey_id = ?1 AND l.seq > ?2 ORDER BY l.seq
            """)
        try statement.bind([.text(surveyID), .integer(Int64(upto))])
        var last = upto, count = 0
        while try statement.step() {
            last = statement.int(0) ?? last
            count += 1
            try statement.withText(1) { attributes in try statement.withText(2) { answers in try body(attributes, answers) } }
        }
        return (last, count)
    }

    /// Keeps `data` as the tally of `surveyID` and `variant` (replacing the one kept before),
    /// unless the log no longer holds everything after `kept.upto`: a mark (a response deleted
    /// or changed since the tally was read), or entries cut for newer tallies. Drops the
    /// survey's tallies of other questions and cuts the log entries that every kept tally of
    /// the survey covers (but never the log's last entry, whose number the next continues). Waits at most `patience` milliseconds for the write lock. Returns
    /// whether it was kept.
    @discardableResult
    public func keepTally(surveyID: String, variant: String, _ kept: KeptTally, data: [UInt8], patience: Int32 = 1000) throws -> Bool {
        try connection.waiting(atMost: patience) {
            try connection.transaction {
                let survey = SQLValue.text(surveyID)
                let cut = try connection.row("SELECT upto FROM tally_cuts WHERE survey_id = ?", [survey])?.int("upto") ?? 0
                guard kept.upto >= cut, try !hasTallyMark(surveyID: surveyID, after: kept.upto) else { return false }
                try connection.run("DELETE FROM tally_snapshots WHERE survey_id = ? AND plan <> ?", [survey, .text(kept.plan)])
                try connection.run("""
                    INSERT INTO tally_snapshots (survey_id, variant, plan, upto, responses, data) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (survey_id, variant) DO UPDATE SET plan = excluded.plan, upto = excluded.upto,
                        responses = excluded.responses, data = excluded.data
                    """, [survey, .text(variant), .text(kept.plan), .integer(Int64(kept.upto)), .integer(Int64(kept.responses)), .blob(data)])
                let covered = try connection.row("SELECT min(upto) AS upto FROM tally_snapshots WHERE survey_id = ?", [survey])?.int("upto") ?? 0
                if covered > cut {
                    try connection.run("DELETE FROM tally_log WHERE seq <= ?2 AND survey_id = ?1 AND seq < (SELECT max(seq) FROM tally_log)",
                                       [survey, .integer(Int64(covered))])
                    try connection.run("""
                        INSERT INTO tally_cuts (survey_id, upto) VALUES (?, ?) ON CONFLICT (survey_id) DO UPDATE SET upto = excluded.upto
                        """, [survey, .integer(Int64(covered))])
                }
                return true
            }
        }
    }
}
