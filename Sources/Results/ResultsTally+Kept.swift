import Store

/// When `ResultsTally` keeps its tallies for the next run, and whether it uses a kept one.
public struct TallyKeeping: Sendable {
    /// Tallies of fewer responses are not kept: counting them afresh takes milliseconds.
    public var minimum: Int
    /// Count every row afresh (and keep what that came to) instead of using a kept tally.
    public var recount: Bool

    public init(minimum: Int = 20_000, recount: Bool = false) {
        self.minimum = minimum
        self.recount = recount
    }

    public static let standard = TallyKeeping()
}

/// Tallies kept between runs. Counting a million responses reads every row (about a second
/// on two processors); a run that finds a kept tally of the same questions reads it, adds the
/// responses logged since (`Database+KeptTallies`: the epochs after it), and is done. All of
/// it happens in one read transaction, so the sum is exactly what a count of every row in
/// that transaction would give (`KeptTallyTests` compares them). A kept tally is used only for
/// the questions it was made for (`TallyPlan.fingerprint`), and not at all once something
/// happened that it cannot follow (`TallyEpoch.voided`: an anonymous answer stored alone, a
/// response deleted or changed).
extension ResultsTally {
    /// The name under which this kind of tally is kept: its breakdown and whether it keeps texts.
    var keptVariant: String {
        (bySource ? "source" : by.map { "by:" + $0 } ?? "all") + (keepsTexts ? "" : " without texts")
    }

    /// The kept tally with the responses stored since added, or nil when none holds (or more
    /// than a quarter of it was stored since: reading every row in order is then about as fast
    /// as looking each up). When a tenth or more is added, a new epoch is started first (if
    /// the current one holds enough) and the sum kept.
    func continueKept(_ database: Database, keeping: TallyKeeping) throws -> ResultsTally? {
        let fingerprint = plan.fingerprint
        guard let known = try database.keptTally(surveyID: survey.id, variant: keptVariant), known.plan == fingerprint else { return nil }
        let added = try database.loggedCount(surveyID: survey.id, after: known.epoch) - known.extras.count
        guard added <= max(known.responses / 4, keeping.minimum) else { return nil }
        let covers = added > 0 && added * 10 >= known.responses ? (try? database.startTallyEpoch(surveyID: survey.id)).map { $0 - 1 } : nil
        let found = try database.reading { () -> (ResultsTally, LogPoint)? in
            // No more responses than the survey has stored (the count on its row, read here).
            let stored = try database.responseCount(surveyID: survey.id)
            let loaded = try database.withKeptTally(surveyID: survey.id, variant: keptVariant) { kept, bytes -> (KeptTally, Tallies, [String: Tallies])? in
                guard kept.plan == fingerprint, let decoded = try? TallyBytes.decode(bytes, plan, responses: stored) else { return nil }
                return (kept, decoded.overall, decoded.groups)
            }
            let state = try database.tallyEpoch(surveyID: survey.id)
            guard let (kept, overall, groups) = loaded ?? nil, kept.voided == state.voided, kept.epoch >= state.cut else { return nil }
            var added = try ResultsTally(survey: survey, by: by, keepingTexts: keepsTexts).scan { column, body in
                try database.forEachLoggedResponse(surveyID: survey.id, after: kept.epoch, skipping: kept.extras, with: column, body)
            }
            added.sortValues()
            var sum = self
            sum.overall = overall
            sum.groups = groups
            var adder = Adder(sum)
            adder.merge(added)
            adder.finish(into: &sum)
            return (sum, LogPoint(voided: state.voided, extras: try covers.map { try database.loggedIDs(surveyID: survey.id, after: $0) } ?? []))
        }
        guard let (sum, point) = found else { return nil }
        if let covers { sum.keep(database, epoch: covers, point) }
        return sum
    }

    /// Keeps this tally, covering the log's epochs up to `epoch` and `point.extras`, for the
    /// next run. A tally that cannot be kept (the database is read-only or busy, a response
    /// changed meanwhile) is simply not kept: the next run counts again.
    func keep(_ database: Database, epoch: Int, _ point: LogPoint) {
        let kept = KeptTally(plan: plan.fingerprint, epoch: epoch, voided: point.voided, extras: point.extras, responses: overall.responses)
        _ = try? database.keepTally(surveyID: survey.id, variant: keptVariant, kept, data: TallyBytes.encode(overall: overall, groups: groups))
    }
}

extension TallyPlan {
    /// What the tally reads of the questions, as a fingerprint (FNV-1a, 64 bits): ids, kinds,
    /// codes, matrix rows, scale starts and conditions. A kept tally is used only for the same.
    var fingerprint: String {
        var text = "tally \(TallyBytes.version)\n"
        for entry in entries {
            text += [entry.id, "\(entry.kind)", entry.codes.joined(separator: "\u{1}"), entry.rows.joined(separator: "\u{1}"),
                     "\(entry.scaleMin)", entry.showIf.map { String(describing: $0) } ?? ""].joined(separator: "\u{2}") + "\n"
        }
        let hash = text.utf8.reduce(0xcbf29ce484222325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100000001b3 }
        return String(hash, radix: 16)
    }
}
