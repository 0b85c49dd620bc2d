import JSON
import Survey

/// One stored response as the results need it.
public struct StoredResponse: Sendable {
    public var attributes: [String: String]
    public var answers: [String: Answer]
    public var other: [String: String]

    public init(attributes: [String: String], answers: [String: Answer], other: [String: String]) {
        self.attributes = attributes
        self.answers = answers
        self.other = other
    }
}

/// The counts of one question over a set of responses, gathered in one pass.
struct QuestionTally {
    var answered = 0
    var skipped = 0
    var notShown = 0
    var counts: [String: Int] = [:]
    var numbers: [Double] = []
    var texts: [String] = []
    var rows: [String: (answered: Int, counts: [String: Int])] = [:]
    var rankSums: [String: Int] = [:]
    var ranked: [String: Int] = [:]
    var first: [String: Int] = [:]

    mutating func add(_ answer: Answer?, shown: Bool, other: String?, keepTexts: Bool) {
        guard shown else { notShown += 1; return }
        guard let answer else { skipped += 1; return }
        switch answer {
        case .choice(let code): counts[code, default: 0] += 1
        case .choices(let codes): for code in codes { counts[code, default: 0] += 1 }
        case .number(let n): numbers.append(n); counts[JSONNumber.text(n), default: 0] += 1
        case .text(let text): if keepTexts { texts.append(text) }
        case .rows(let chosen):
            guard !chosen.isEmpty else { skipped += 1; return }
            for (row, code) in chosen {
                var entry = rows[row] ?? (0, [:])
                entry.answered += 1
                entry.counts[code, default: 0] += 1
                rows[row] = entry
            }
        case .order(let codes):
            for (place, code) in codes.enumerated() {
                rankSums[code, default: 0] += place + 1
                ranked[code, default: 0] += 1
                if place == 0 { first[code, default: 0] += 1 }
            }
        }
        if keepTexts, let other { texts.append(other) }
        answered += 1
    }
}

/// The tallies of every question over a set of responses (all, or one group's).
struct Tallies {
    var responses = 0
    /// In the survey's question order.
    var questions: [QuestionTally]

    init(_ survey: Survey) { questions = Array(repeating: QuestionTally(), count: survey.questions.count) }
}

/// Tallies every question at once, one response at a time, overall and (with `by`) per value of
/// an attribute. `show_if` is evaluated for each response, so that `not_shown` and `skipped` are
/// told apart. Free text is kept only overall: it never appears in groups.
public struct ResultsTally {
    public let survey: Survey
    public let by: String?
    var overall: Tallies
    var groups: [String: Tallies] = [:]

    public init(survey: Survey, by: String? = nil) {
        self.survey = survey
        self.by = by
        overall = Tallies(survey)
    }

    public init(survey: Survey, by: String? = nil, responses: [StoredResponse]) {
        self.init(survey: survey, by: by)
        for response in responses { add(response) }
    }

    public mutating func add(_ response: StoredResponse) {
        add(response, to: &overall, keepTexts: true)
        if let by {
            let value = response.attributes[by] ?? ""
            add(response, to: &groups[value, default: Tallies(survey)], keepTexts: false)
        }
    }

    func add(_ response: StoredResponse, to tallies: inout Tallies, keepTexts: Bool) {
        tallies.responses += 1
        for (index, q) in survey.questions.enumerated() {
            let shown = q.showIf.map { $0.evaluate(response.answers) } ?? true
            tallies.questions[index].add(shown ? response.answers[q.id] : nil, shown: shown,
                                         other: shown ? response.other[q.id] : nil, keepTexts: keepTexts)
        }
    }
}
