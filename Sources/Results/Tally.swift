import JSON
import Survey

/// One stored response as the results need it.
public struct StoredResponse: Sendable {
    public var attributes: [String: String]
    public var answers: [String: Answer]
    public var other: [String: String]
    /// How it came in (`form`, `webhook`, `paper`), for the breakdown by source.
    public var source: String?

    public init(attributes: [String: String], answers: [String: Answer], other: [String: String], source: String? = nil) {
        self.attributes = attributes
        self.answers = answers
        self.other = other
        self.source = source
    }
}

/// The counts of one question over a set of responses, by option index.
struct QuestionTally {
    var answered = 0
    var skipped = 0
    var notShown = 0
    /// Per choice of single, multi, yesno and scale questions (`Question.choices`).
    var counts: [Int]
    /// Scale and number answers.
    var numbers: [Double] = []
    /// Text answers and the texts of `other` options (kept overall only).
    var texts = TextList()
    /// Matrix: per row, how many answered it, and the count of each option.
    var rowAnswered: [Int]
    var rowCounts: [[Int]]
    /// Ranking, per option: the sum of its places, how often it was ranked, and first places.
    var rankSums: [Int]
    var ranked: [Int]
    var first: [Int]

    init(_ entry: TallyPlan.Entry) {
        counts = Array(repeating: 0, count: entry.codes.count)
        rowAnswered = Array(repeating: 0, count: entry.rows.count)
        rowCounts = Array(repeating: Array(repeating: 0, count: entry.codes.count), count: entry.rows.count)
        let ranking = entry.kind == .ranking ? entry.codes.count : 0
        rankSums = Array(repeating: 0, count: ranking)
        ranked = rankSums
        first = rankSums
    }

    mutating func merge(_ other: QuestionTally) {
        func sum(_ a: inout [Int], _ b: [Int]) { for i in a.indices { a[i] += b[i] } }
        answered += other.answered
        skipped += other.skipped
        notShown += other.notShown
        sum(&counts, other.counts)
        Self.mergeSorted(&numbers, other.numbers)
        texts.merge(other.texts)
        sum(&rowAnswered, other.rowAnswered)
        for r in rowCounts.indices { sum(&rowCounts[r], other.rowCounts[r]) }
        sum(&rankSums, other.rankSums)
        sum(&ranked, other.ranked)
        sum(&first, other.first)
    }

    /// Sorts the numbers and texts, so that parts tallied side by side are sorted side by side
    /// and `merge` only interleaves them (the results document sorts what it lists).
    mutating func sortValues() {
        numbers.sort()
        texts.sort()
    }

    /// The texts in order, as the document lists them.
    var sortedTexts: [String] {
        var sorted = texts
        sorted.sort()
        return sorted.strings()
    }

    /// Adds `other` to `values`; when both are sorted, the result is sorted (one linear merge),
    /// else it holds the same elements in some order.
    static func mergeSorted<T: Comparable>(_ values: inout [T], _ other: [T]) {
        guard !other.isEmpty else { return }
        guard !values.isEmpty else { values = other; return }
        if !(other[0] < values[values.count - 1]) { values += other; return }
        var merged: [T] = []
        merged.reserveCapacity(values.count + other.count)
        var i = 0, j = 0
        while i < values.count && j < other.count {
            if other[j] < values[i] { merged.append(other[j]); j += 1 } else { merged.append(values[i]); i += 1 }
        }
        merged += values[i...]
        merged += other[j...]
        values = merged
    }

    /// Adds the answer to question `i` of `row`, of `kind` with `width` codes.
    mutating func add(_ row: RowAnswers, _ i: Int, _ kind: TallyPlan.Kind, width: Int, shown: Bool, keepTexts: Bool) {
        guard shown else { notShown += 1; return }
        guard row.present[i] else { skipped += 1; return }
        switch kind {
        case .single, .yesno:
            if row.choice[i] >= 0 { counts[row.choice[i]] += 1 }
        case .scale:
            numbers.append(row.number[i])
            if row.choice[i] >= 0 { counts[row.choice[i]] += 1 }
        case .number:
            numbers.append(row.number[i])
        case .multi:
            for option in row.items[i] where option >= 0 { counts[option] += 1 }
        case .text:
            if keepTexts, let text = row.text[i] { texts.append(text) }
        case .matrix:
            guard !row.items[i].isEmpty else { skipped += 1; return }
            let stride = width + 1
            for cell in row.items[i] {
                rowAnswered[cell / stride] += 1
                if cell % stride < width { rowCounts[cell / stride][cell % stride] += 1 }
            }
        case .ranking:
            for (place, option) in row.items[i].enumerated() where option >= 0 {
                rankSums[option] += place + 1
                ranked[option] += 1
                if place == 0 { first[option] += 1 }
            }
        }
        if keepTexts, let other = row.other[i] { texts.append(other) }
        answered += 1
    }
}

/// The tallies of every question over a set of responses (all, or one group's).
struct Tallies {
    var responses = 0
    /// In the survey's question order.
    var questions: [QuestionTally]

    init(_ plan: TallyPlan) { questions = plan.entries.map(QuestionTally.init) }

    mutating func merge(_ other: Tallies) {
        responses += other.responses
        for i in questions.indices { questions[i].merge(other.questions[i]) }
    }

    mutating func sortValues() {
        for i in questions.indices { questions[i].sortValues() }
    }
}

/// Tallies every question at once, one response at a time, overall and (with `by`) per value of
/// an attribute. `show_if` is evaluated for each response, so that `not_shown` and `skipped` are
/// told apart. Free text is kept only overall: it never appears in groups.
public struct ResultsTally: Sendable {
    public let survey: Survey
    public let by: String?
    let plan: TallyPlan
    var overall: Tallies
    var groups: [String: Tallies] = [:]

    /// Whether free texts are kept (the published results never show them).
    public let keepsTexts: Bool

    public init(survey: Survey, by: String? = nil, keepingTexts: Bool = true) {
        self.survey = survey
        self.by = by
        keepsTexts = keepingTexts
        plan = TallyPlan(survey)
        overall = Tallies(plan)
    }

    public init(survey: Survey, by: String? = nil, responses: [StoredResponse]) {
        self.init(survey: survey, by: by)
        add(responses)
    }

    public mutating func add(_ responses: [StoredResponse]) {
        var adder = Adder(self)
        for response in responses {
            adder.row.fill(response.answers, other: response.other, plan)
            let group = bySource ? Self.sourceName(response.source ?? "") : by.map { response.attributes[$0] ?? "" }
            adder.add(group: group, conditions: response.answers)
        }
        adder.finish(into: &self)
    }

    /// The tallies being added to, held apart from `self` while they grow (a copy of `self`
    /// holding them would make every append copy the arrays).
    struct Adder {
        let plan: TallyPlan
        var overall: Tallies
        var groups: [Tallies] = []
        var groupNames: [String] = []
        var groupIndex: [String: Int] = [:]
        /// Reused for every response: its answers by question index, and which questions it saw.
        var row: RowAnswers
        var shown: [Bool]
        /// `shown` by `TallyPlan.shownKey`, once worked out.
        var shownByKey: [[Bool]?]
        let keepsTexts: Bool

        /// `ownPlan`: a plan of its own, for a part tallied on another thread (objects that two
        /// threads both retain and release make their processors fight over the counts).
        init(_ tally: ResultsTally, ownPlan: Bool = false) {
            plan = ownPlan ? TallyPlan(tally.survey) : tally.plan
            overall = tally.overall
            keepsTexts = tally.keepsTexts
            for (name, tallies) in tally.groups {
                groupIndex[name] = groups.count
                groupNames.append(name)
                groups.append(tallies)
            }
            row = RowAnswers(plan)
            shown = Array(repeating: true, count: plan.entries.count)
            shownByKey = Array(repeating: nil, count: plan.shownKeys)
        }

        /// The index of the group named `name`, made if new.
        mutating func group(_ name: String) -> Int {
            if let index = groupIndex[name] { return index }
            groupIndex[name] = groups.count
            groupNames.append(name)
            groups.append(Tallies(plan))
            return groups.count - 1
        }

        /// Adds `row`, in the group `index` (if any); `conditions` are the answers `show_if` reads.
        mutating func add(group index: Int?, conditions: [String: Answer]) {
            evaluateShown(conditions)
            tally(group: index)
        }

        /// Adds `row` as read by `AnswerScanner`, in the group `index` (if any). Which questions
        /// it saw is looked up by the answers that `show_if` reads when they take few values
        /// (`TallyPlan.shownKey`), and worked out (in `scratch`) only the first time.
        mutating func addScanned(group index: Int?, scratch: inout [String: Answer]) {
            if let key = plan.shownKey(row) {
                if let known = shownByKey[key] {
                    shown = known
                } else {
                    row.conditionAnswers(plan, into: &scratch)
                    evaluateShown(scratch)
                    shownByKey[key] = shown
                }
            } else {
                row.conditionAnswers(plan, into: &scratch)
                evaluateShown(scratch)
            }
            tally(group: index)
        }

        mutating func evaluateShown(_ conditions: [String: Answer]) {
            for i in plan.conditions.indices { shown[i] = plan.conditions[i].map { $0.evaluate(conditions) } ?? true }
        }

        mutating func tally(group index: Int?) {
            overall.responses += 1
            for i in plan.kinds.indices { overall.questions[i].add(row, i, plan.kinds[i], width: plan.widths[i], shown: shown[i], keepTexts: keepsTexts) }
            if let index {
                groups[index].responses += 1
                for i in plan.kinds.indices { groups[index].questions[i].add(row, i, plan.kinds[i], width: plan.widths[i], shown: shown[i], keepTexts: false) }
            }
        }

        mutating func add(group name: String?, conditions: [String: Answer]) {
            add(group: name.map { group($0) }, conditions: conditions)
        }

        /// Adds the tallies of `other` (another part of the same responses).
        mutating func merge(_ other: Adder) {
            overall.merge(other.overall)
            for (name, tallies) in zip(other.groupNames, other.groups) { groups[group(name)].merge(tallies) }
        }

        /// Sorts every tally's numbers and texts (a part's, on its own thread).
        mutating func sortValues() {
            overall.sortValues()
            for i in groups.indices { groups[i].sortValues() }
        }

        func finish(into tally: inout ResultsTally) {
            tally.overall = overall
            tally.groups = Dictionary(uniqueKeysWithValues: zip(groupNames, groups))
        }
    }
}

/// A survey's questions compiled for tallying: codes as bytes and by index.
struct TallyPlan {
    enum Kind: Sendable { case single, multi, scale, matrix, yesno, number, text, ranking }

    /// A class, so that reading one per answer costs one reference count, not one per field.
    final class Entry: Sendable {
        let id: String
        let idBytes: [UInt8]
        let kind: Kind
        /// The choices (single, multi, yesno, scale), the answer options (matrix) or the options (ranking).
        let codes: [String]
        let codeBytes: [[UInt8]]
        /// Matrix rows.
        let rows: [String]
        let rowBytes: [[UInt8]]
        let scaleMin: Int
        let showIf: Condition?

        init(id: String, kind: Kind, codes: [String], rows: [String], scaleMin: Int, showIf: Condition?) {
            self.id = id
            idBytes = Array(id.utf8)
            self.kind = kind
            self.codes = codes
            codeBytes = codes.map { Array($0.utf8) }
            self.rows = rows
            rowBytes = rows.map { Array($0.utf8) }
            self.scaleMin = scaleMin
            self.showIf = showIf
        }

        func code(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
            for i in codeBytes.indices where AnswerScanner.equal(codeBytes[i], bytes) { return i }
            return nil
        }
        func row(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? { rowBytes.firstIndex { AnswerScanner.equal($0, bytes) } }
    }

    var entries: [Entry]
    /// Questions that a `show_if` reads.
    var referenced: [Int]
    /// Per question, its kind, its number of codes and its `show_if`, in arrays of their own
    /// for the loop that runs for every answer.
    var kinds: [Kind]
    var widths: [Int]
    var conditions: [Condition?]
    /// How many values `shownKey` can take (0: it is never used).
    var shownKeys = 0

    init(_ survey: Survey) {
        entries = survey.questions.map { q in
            let kind: Kind
            var rows: [String] = []
            var scaleMin = 0
            switch q.kind {
            case .single: kind = .single
            case .multi: kind = .multi
            case .scale(let low, _, _, _): kind = .scale; scaleMin = low
            case .matrix(let declared, _): kind = .matrix; rows = declared.map(\.code)
            case .yesno: kind = .yesno
            case .number: kind = .number
            case .text: kind = .text
            case .ranking: kind = .ranking
            }
            return Entry(id: q.id, kind: kind, codes: q.codes, rows: rows, scaleMin: scaleMin, showIf: q.showIf)
        }
        kinds = entries.map(\.kind)
        widths = entries.map(\.codes.count)
        conditions = entries.map(\.showIf)
        let names = Set(survey.questions.compactMap(\.showIf).flatMap(\.references).map(\.question))
        referenced = survey.questions.indices.filter { names.contains(survey.questions[$0].id) }
        // The questions `show_if` reads decide what a response saw; when each takes few values
        // (a choice, a scale point, a set of up to 8 options), their combination is a small number.
        var keys = 1
        for i in referenced {
            guard let states = Self.states(entries[i]), keys * states <= 1 << 16 else { keys = 0; break }
            keys *= states
        }
        shownKeys = keys
    }

    /// The values question `entry` can take for `shownKey`: not answered, or each choice (sets
    /// of choices for multi); nil when it takes too many.
    static func states(_ entry: Entry) -> Int? {
        switch entry.kind {
        case .single, .yesno, .scale: return entry.codes.count + 1
        case .multi: return entry.codes.count <= 8 ? (1 << entry.codes.count) + 1 : nil
        case .number, .text, .matrix, .ranking: return nil
        }
    }

    /// A number that stands for the answers `show_if` reads in `row` (as `AnswerScanner` fills
    /// it): two rows with the same number saw the same questions. Nil when there is none.
    func shownKey(_ row: RowAnswers) -> Int? {
        guard shownKeys > 0 else { return nil }
        var key = 0
        for i in referenced {
            var state = 0
            if row.present[i] {
                switch kinds[i] {
                case .multi:
                    var mask = 0
                    for option in row.items[i] {
                        guard option >= 0 else { return nil }
                        mask |= 1 << option
                    }
                    state = 1 + mask
                default:
                    guard row.choice[i] >= 0 else { return nil }
                    state = 1 + row.choice[i]
                }
            }
            key = key * (kinds[i] == .multi ? (1 << widths[i]) + 1 : widths[i] + 1) + state
        }
        return key
    }
}

/// One response's answers by question index, as option indices (-1: a code the survey no
/// longer has). Reused from response to response without allocating.
struct RowAnswers {
    var present: [Bool]
    var choice: [Int]
    var number: [Double]
    /// multi: the chosen options; ranking: the options in order; matrix: row × (options + 1) +
    /// option, where option = options stands for a code the survey no longer has.
    var items: [[Int]]
    var text: [RowText?]
    var other: [RowText?]

    init(_ plan: TallyPlan) {
        let n = plan.entries.count
        present = Array(repeating: false, count: n)
        choice = Array(repeating: -1, count: n)
        number = Array(repeating: 0, count: n)
        items = Array(repeating: [], count: n)
        text = Array(repeating: nil, count: n)
        other = Array(repeating: nil, count: n)
    }

    mutating func clear() {
        for i in present.indices {
            if other[i] != nil { other[i] = nil }
            // Items and text are only ever set on an answered question.
            guard present[i] else { continue }
            present[i] = false
            if !items[i].isEmpty { items[i].removeAll(keepingCapacity: true) }
            text[i] = nil
        }
    }

    /// From answers as `Survey.storedAnswers` reads them.
    mutating func fill(_ answers: [String: Answer], other texts: [String: String], _ plan: TallyPlan) {
        clear()
        for (i, entry) in plan.entries.enumerated() {
            other[i] = texts[entry.id].map(RowText.decoded)
            guard let answer = answers[entry.id] else { continue }
            present[i] = true
            switch answer {
            case .choice(let code): choice[i] = entry.codes.firstIndex(of: code) ?? -1
            case .choices(let codes), .order(let codes): items[i] = codes.map { entry.codes.firstIndex(of: $0) ?? -1 }
            case .number(let n):
                number[i] = n
                choice[i] = entry.kind == .scale ? entry.codes.firstIndex(of: JSONNumber.text(n)) ?? -1 : -1
            case .text(let t): text[i] = .decoded(t)
            case .rows(let chosen):
                let stride = entry.codes.count + 1
                for (r, row) in entry.rows.enumerated() {
                    guard let code = chosen[row] else { continue }
                    items[i].append(r * stride + (entry.codes.firstIndex(of: code) ?? entry.codes.count))
                }
            }
        }
    }

    /// The answers `show_if` reads, for the questions in `plan.referenced`.
    func conditionAnswers(_ plan: TallyPlan, into answers: inout [String: Answer]) {
        answers.removeAll(keepingCapacity: true)
        for i in plan.referenced where present[i] {
            let entry = plan.entries[i]
            switch entry.kind {
            case .single, .yesno: answers[entry.id] = .choice(entry.codes[choice[i]])
            case .scale, .number: answers[entry.id] = .number(number[i])
            case .multi: answers[entry.id] = .choices(items[i].map { entry.codes[$0] })
            case .ranking: answers[entry.id] = .order(items[i].map { entry.codes[$0] })
            case .text: answers[entry.id] = .text(text[i]?.string ?? "")
            case .matrix:
                let stride = entry.codes.count + 1
                answers[entry.id] = .rows(Dictionary(uniqueKeysWithValues: items[i].map { (entry.rows[$0 / stride], entry.codes[$0 % stride]) }))
            }
        }
    }
}
