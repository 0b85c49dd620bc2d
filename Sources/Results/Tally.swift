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

    mutating func add(_ answer: Answer?, shown: Bool, other: String?) {
        guard shown else { notShown += 1; return }
        guard let answer else { skipped += 1; return }
        switch answer {
        case .choice(let code): counts[code, default: 0] += 1
        case .choices(let codes): for code in codes { counts[code, default: 0] += 1 }
        case .number(let n): numbers.append(n); counts[JSONNumber.text(n), default: 0] += 1
        case .text(let text): texts.append(text)
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
        if let other { texts.append(other) }
        answered += 1
    }
}

/// Tallies every question over `responses` in one pass, evaluating `show_if` for each response
/// so that `not_shown` and `skipped` are told apart.
func tally(_ survey: Survey, _ responses: [StoredResponse]) -> [String: QuestionTally] {
    var tallies: [String: QuestionTally] = [:]
    for response in responses {
        for q in survey.questions {
            let shown = q.showIf.map { $0.evaluate(response.answers) } ?? true
            tallies[q.id, default: QuestionTally()].add(shown ? response.answers[q.id] : nil, shown: shown, other: shown ? response.other[q.id] : nil)
        }
    }
    return tallies
}
