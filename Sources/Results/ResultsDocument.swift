import Foundation
import JSON
import Survey

/// The results document of SPEC.md, built from the stored responses.
public struct ResultsDocument {
    public let tally: ResultsTally
    /// Labels in this language.
    public let language: String
    /// Invited participants in all (nil for open surveys) and per value of the `by` attribute.
    public let invited: Int?
    public let invitedByValue: [String: Int]
    public let generatedAt: Date
    var survey: Survey { tally.survey }

    public init(tally: ResultsTally, language: String, invited: Int?, invitedByValue: [String: Int] = [:], generatedAt: Date = Date()) {
        self.tally = tally
        self.language = language
        self.invited = invited
        self.invitedByValue = invitedByValue
        self.generatedAt = generatedAt
    }

    /// The document of `responses`, tallied here.
    public init(survey: Survey, language: String, responses: [StoredResponse], by: String? = nil, invited: Int?,
                invitedByValue: [String: Int] = [:], generatedAt: Date = Date()) {
        self.init(tally: ResultsTally(survey: survey, by: by, responses: responses), language: language, invited: invited,
                  invitedByValue: invitedByValue, generatedAt: generatedAt)
    }

    func label(_ text: LocalizedText) -> JSONValue { .string(text.text(language, default: survey.defaultLanguage)) }

    /// The document; with the tally's `by`, also the groups, small ones withheld.
    public func json() -> JSONValue {
        let responses = tally.overall.responses
        var members: [(String, JSONValue)] = [
            ("survey", .string(survey.id)), ("title", label(survey.title)),
            ("generated_at", .string(survey.timestamp(generatedAt))),
            ("invited", invited.map(JSONValue.int) ?? .null), ("responses", .int(responses)),
            ("response_rate", invited.map { $0 == 0 ? .null : .double(Statistics.round(Double(responses) / Double($0), 3)) } ?? .null),
            ("min_group_size", .int(survey.minGroupSize)),
            ("questions", .array(questions(tally.overall, inGroup: false))),
        ]
        if survey.isPaged {
            // The form's pages, so that reports can follow them.
            members.append(("pages", .array(survey.pages.map { page in
                .object([("title", page.title.map(label) ?? .null), ("questions", .array(page.questions.map { .string(survey.questions[$0].id) }))])
            })))
        }
        if let attribute = tally.by {
            members.append(("by", .string(attribute)))
            members.append(("groups", .array(groups(attribute))))
        }
        return .object(members)
    }

    func groups(_ attribute: String) -> [JSONValue] {
        var byValue = tally.groups
        for value in invitedByValue.keys where byValue[value] == nil { byValue[value] = Tallies(tally.plan) }
        let values = byValue.keys.sorted()
        let hidden = SmallGroups.withheld(values.map { byValue[$0]!.responses }, minimum: survey.minGroupSize)
        return values.enumerated().map { index, value in
            var group: [(String, JSONValue)] = [("value", value.isEmpty ? .null : .string(value))]
            // Invitations have no source: by source, the groups have no invited count.
            if survey.access == .invite && !tally.bySource { group.append(("invited", .int(invitedByValue[value] ?? 0))) }
            if hidden.contains(index) {
                group.append(("suppressed", .bool(true)))
            } else {
                group.append(("responses", .int(byValue[value]!.responses)))
                group.append(("suppressed", .bool(false)))
                group.append(("questions", .array(questions(byValue[value]!, inGroup: true))))
            }
            return .object(group)
        }
    }

    func options(_ options: [Option], _ counts: [Int], answered: Int) -> JSONValue {
        .array(zip(options, counts).map { o, count in
            .object([("code", .string(o.code)), ("label", label(o.label)), ("count", .int(count)),
                     ("percent", .double(Statistics.percent(count, of: answered)))])
        })
    }

    /// Free text never appears in groups.
    func questions(_ tallies: Tallies, inGroup: Bool) -> [JSONValue] {
        zip(survey.questions, tallies.questions).map { q, t in
            var m: [(String, JSONValue)] = [("id", .string(q.id)), ("type", .string(q.typeName)), ("text", label(q.text)),
                                            ("answered", .int(t.answered)), ("skipped", .int(t.skipped)), ("not_shown", .int(t.notShown))]
            func number(_ x: Double?) -> JSONValue { x.map { .double(Statistics.round($0, 2)) } ?? .null }
            let sorted = t.numbers.sorted()
            switch q.kind {
            case .single(_, let other), .multi(_, let other, _):
                m.append(("options", options(q.choices, t.counts, answered: t.answered)))
                if other && !inGroup { m.append(("other", .array(t.sortedTexts.map(JSONValue.string)))) }
            case .yesno:
                m.append(("options", options(q.choices, t.counts, answered: t.answered)))
            case .scale:
                m += [("mean", number(Statistics.mean(t.numbers))), ("median", number(Statistics.median(sorted))),
                      ("stddev", number(Statistics.standardDeviation(t.numbers))), ("options", options(q.choices, t.counts, answered: t.answered))]
            case .number:
                m += [("mean", number(Statistics.mean(t.numbers))), ("median", number(Statistics.median(sorted))),
                      ("min", number(sorted.first)), ("max", number(sorted.last)), ("q1", number(Statistics.quantile(sorted, 0.25))),
                      ("q3", number(Statistics.quantile(sorted, 0.75))), ("sum", number(t.numbers.isEmpty ? nil : t.numbers.reduce(0, +))),
                      ("stddev", number(Statistics.standardDeviation(t.numbers)))]
            case .matrix(let rows, let opts):
                m.append(("rows", .array(rows.enumerated().map { r, row in
                    .object([("id", .string(row.code)), ("label", label(row.label)), ("answered", .int(t.rowAnswered[r])),
                             ("options", options(opts, t.rowCounts[r], answered: t.rowAnswered[r]))])
                })))
            case .text:
                if !inGroup { m.append(("answers", .array(t.sortedTexts.map(JSONValue.string)))) }
            case .ranking(let opts, _):
                m.append(("options", .array(opts.enumerated().map { index, o in
                    let ranked = t.ranked[index]
                    return .object([("code", .string(o.code)), ("label", label(o.label)),
                                    ("mean_rank", ranked == 0 ? .null : .double(Statistics.round(Double(t.rankSums[index]) / Double(ranked), 2))),
                                    ("first", .int(t.first[index])), ("ranked", .int(ranked))])
                })))
            }
            return .object(m)
        }
    }
}
