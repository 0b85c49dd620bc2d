import Foundation
import JSON
import Survey

/// The results document of SPEC.md, built from the stored responses.
public struct ResultsDocument {
    public let survey: Survey
    /// Labels in this language.
    public let language: String
    public let responses: [StoredResponse]
    /// Invited participants in all (nil for open surveys) and per value of the `by` attribute.
    public let invited: Int?
    public let invitedByValue: [String: Int]
    public let generatedAt: Date

    public init(survey: Survey, language: String, responses: [StoredResponse], invited: Int?, invitedByValue: [String: Int] = [:], generatedAt: Date = Date()) {
        self.survey = survey
        self.language = language
        self.responses = responses
        self.invited = invited
        self.invitedByValue = invitedByValue
        self.generatedAt = generatedAt
    }

    func label(_ text: LocalizedText) -> JSONValue { .string(text.text(language, default: survey.defaultLanguage)) }

    /// The document; with `by`, also the groups, small ones withheld.
    public func json(by attribute: String? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("survey", .string(survey.id)), ("title", label(survey.title)),
            ("generated_at", .string(survey.timestamp(generatedAt))),
            ("invited", invited.map(JSONValue.int) ?? .null), ("responses", .int(responses.count)),
            ("response_rate", invited.map { $0 == 0 ? .null : .double(Statistics.round(Double(responses.count) / Double($0), 3)) } ?? .null),
            ("min_group_size", .int(survey.minGroupSize)),
            ("questions", .array(questions(responses, inGroup: false))),
        ]
        if let attribute {
            members.append(("by", .string(attribute)))
            members.append(("groups", .array(groups(attribute))))
        }
        return .object(members)
    }

    func groups(_ attribute: String) -> [JSONValue] {
        var byValue: [String: [StoredResponse]] = [:]
        for response in responses { byValue[response.attributes[attribute] ?? "", default: []].append(response) }
        for value in invitedByValue.keys where byValue[value] == nil { byValue[value] = [] }
        let values = byValue.keys.sorted()
        let hidden = SmallGroups.withheld(values.map { byValue[$0]!.count }, minimum: survey.minGroupSize)
        return values.enumerated().map { index, value in
            var group: [(String, JSONValue)] = [("value", value.isEmpty ? .null : .string(value))]
            if survey.access == .invite { group.append(("invited", .int(invitedByValue[value] ?? 0))) }
            if hidden.contains(index) {
                group.append(("suppressed", .bool(true)))
            } else {
                group.append(("responses", .int(byValue[value]!.count)))
                group.append(("suppressed", .bool(false)))
                group.append(("questions", .array(questions(byValue[value]!, inGroup: true))))
            }
            return .object(group)
        }
    }

    func options(_ options: [Option], _ t: QuestionTally) -> JSONValue {
        .array(options.map { .object([("code", .string($0.code)), ("label", label($0.label)), ("count", .int(t.counts[$0.code] ?? 0)),
                                      ("percent", .double(Statistics.percent(t.counts[$0.code] ?? 0, of: t.answered)))]) })
    }

    /// Free text never appears in groups.
    func questions(_ responses: [StoredResponse], inGroup: Bool) -> [JSONValue] {
        let tallies = tally(survey, responses)
        return survey.questions.map { q in
            let t = tallies[q.id] ?? QuestionTally()
            var m: [(String, JSONValue)] = [("id", .string(q.id)), ("type", .string(q.typeName)), ("text", label(q.text)),
                                            ("answered", .int(t.answered)), ("skipped", .int(t.skipped)), ("not_shown", .int(t.notShown))]
            func number(_ x: Double?) -> JSONValue { x.map { .double(Statistics.round($0, 2)) } ?? .null }
            let sorted = t.numbers.sorted()
            switch q.kind {
            case .single(let opts, let other), .multi(let opts, let other, _):
                m.append(("options", options(opts + (other ? [.other] : []), t)))
                if other && !inGroup { m.append(("other", .array(t.texts.sorted().map(JSONValue.string)))) }
            case .yesno:
                m.append(("options", options([Option(code: "yes", label: LocalizedText(translations: ["de": "Ja", "en": "Yes"])),
                                              Option(code: "no", label: LocalizedText(translations: ["de": "Nein", "en": "No"]))], t)))
            case .scale(let low, let high, _, _):
                m += [("mean", number(Statistics.mean(t.numbers))), ("median", number(Statistics.median(sorted))),
                      ("stddev", number(Statistics.standardDeviation(t.numbers))),
                      ("options", options((low...high).map { Option(code: String($0), label: LocalizedText(String($0))) }, t))]
            case .number:
                m += [("mean", number(Statistics.mean(t.numbers))), ("median", number(Statistics.median(sorted))),
                      ("min", number(sorted.first)), ("max", number(sorted.last)), ("q1", number(Statistics.quantile(sorted, 0.25))),
                      ("q3", number(Statistics.quantile(sorted, 0.75))), ("sum", number(t.numbers.isEmpty ? nil : t.numbers.reduce(0, +))),
                      ("stddev", number(Statistics.standardDeviation(t.numbers)))]
            case .matrix(let rows, let opts):
                m.append(("rows", .array(rows.map { row in
                    let r = t.rows[row.code] ?? (0, [:])
                    var rowTally = QuestionTally()
                    rowTally.answered = r.answered
                    rowTally.counts = r.counts
                    return .object([("id", .string(row.code)), ("label", label(row.label)), ("answered", .int(r.answered)), ("options", options(opts, rowTally))])
                })))
            case .text:
                if !inGroup { m.append(("answers", .array(t.texts.sorted().map(JSONValue.string)))) }
            case .ranking(let opts, _):
                m.append(("options", .array(opts.map { o in
                    let ranked = t.ranked[o.code] ?? 0
                    return .object([("code", .string(o.code)), ("label", label(o.label)),
                                    ("mean_rank", ranked == 0 ? .null : .double(Statistics.round(Double(t.rankSums[o.code] ?? 0) / Double(ranked), 2))),
                                    ("first", .int(t.first[o.code] ?? 0)), ("ranked", .int(ranked))])
                })))
            }
            return .object(m)
        }
    }
}
