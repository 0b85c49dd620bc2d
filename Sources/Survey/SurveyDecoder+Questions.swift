/// Questions: their types, settings and `show_if` conditions.
extension SurveyDecoder {
    static let commonKeys = ["id", "type", "text", "help", "required", "show_if"]
    static let typeKeys: [String: [String]] = [
        "single": ["options", "other"],
        "multi": ["options", "other", "max_choices"],
        "scale": ["min", "max", "min_label", "max_label"],
        "matrix": ["rows", "options"],
        "yesno": [],
        "number": ["min", "max", "decimals"],
        "text": ["multiline", "max_length"],
        "ranking": ["options", "max_ranked"],
    ]

    /// The questions, and the pages that `- page:` entries between them start (one untitled
    /// page holds the questions before the first such entry, or all of them when there is none).
    func decodeQuestions(_ entry: YAMLEntry) -> (questions: [Question], pages: [SurveyPage]) {
        guard case .sequence(let items, _) = entry.value, !items.isEmpty else {
            fail(entry.value.mark, "'questions' must be a list of '- id: ...' entries with at least one question")
            return ([], [])
        }
        var questions: [Question] = []
        var pages: [SurveyPage] = []
        var seen: [String: Mark] = [:]
        /// The page being filled: its `- page:` entry (none for the questions before the first one) and its first question.
        var open: (title: LocalizedText?, intro: LocalizedText?, mark: Mark?, start: Int)? = (nil, nil, nil, 0)
        func closePage() {
            guard let page = open else { return }
            if questions.count > page.start {
                pages.append(SurveyPage(title: page.title, intro: page.intro, questions: page.start..<questions.count,
                                        mark: page.mark ?? questions[page.start].mark))
            } else if let mark = page.mark {
                fail(mark, "this page holds no question; put questions after '- page:' or remove the entry")
            }
            open = nil
        }
        for item in items {
            if case .mapping(let entries, _) = item, entries.contains(where: { $0.key.value == "page" }) {
                let (title, intro, mark) = decodePage(item)
                closePage()
                open = (title, intro, mark, questions.count)
                continue
            }
            guard let question = decodeQuestion(item, before: questions) else { continue }
            if let first = seen[question.id] {
                fail(question.mark, "question id '\(question.id)' is used twice (first at line \(first.line)); ids must be unique")
                continue
            }
            seen[question.id] = question.mark
            questions.append(question)
        }
        closePage()
        return (questions, pages)
    }

    /// A `- page: TITLE` entry with an optional `intro`.
    func decodePage(_ node: YAMLNode) -> (LocalizedText?, LocalizedText?, Mark) {
        guard var fields = fieldsOf(node, "a page") else { return (nil, nil, node.mark) }
        let title = fields.take("page").flatMap { localized($0.value, "page") }
        let intro = fields.take("intro").flatMap { localized($0.value, "intro") }
        reportUnknown(fields, allowed: ["page", "intro"], what: "a page entry") { key in
            Self.commonKeys.contains(key) || Self.typeKeys.values.contains { $0.contains(key) }
                ? "a '- page:' entry holds only 'page' and 'intro'; put the question in its own '- id: ...' entry after it" : nil
        }
        return (title, intro, fields.mark)
    }

    func decodeQuestion(_ node: YAMLNode, before: [Question]) -> Question? {
        guard var fields = fieldsOf(node, "a question") else { return nil }
        let id = decodeIdentifier(fields.take("id"), of: "question", at: fields.mark, pattern: "[a-z0-9_-]{1,64}, starting with a letter or digit",
                                  allowed: Self.isNameCharacter, maxLength: 64)
        let text = requiredText(fields.take("text"), "text", at: fields.mark)
        let help = fields.take("help").flatMap { localized($0.value, "help") }
        let required = fields.take("required").flatMap { bool($0.value, "required") } ?? false
        var typeName: String?
        if let entry = fields.take("type"), let name = scalarText(entry.value, "type") {
            if Self.typeKeys[name] != nil {
                typeName = name
            } else {
                fail(entry.value.mark, "unknown question type '\(name)' (expected one of: \(Question.typeNames.joined(separator: ", ")))")
            }
        } else if fields.entries.contains(where: { $0.key.value == "type" }) == false {
            fail(fields.mark, "the question has no 'type' (expected one of: \(Question.typeNames.joined(separator: ", ")))")
        }
        var kind: Question.Kind?
        if let typeName { kind = decodeKind(typeName, &fields) }
        var condition: Condition?
        var conditionText: String?
        if let entry = fields.take("show_if"), let scalar = scalar(entry.value, "show_if") {
            conditionText = scalar.value
            condition = decodeCondition(scalar, before: before)
        }
        if let typeName {
            let allowed = Self.commonKeys + Self.typeKeys[typeName]!
            reportUnknown(fields, allowed: allowed, what: "a \(typeName) question") { key in
                let owners = Self.typeKeys.filter { $0.value.contains(key) }.map(\.key).sorted()
                return owners.isEmpty ? nil : "'\(key)' does not apply to a \(typeName) question (only to: \(owners.joined(separator: ", ")))"
            }
        }
        guard let id, let text, let kind else { return nil }
        return Question(id: id, kind: kind, text: text, help: help, required: required, showIf: condition,
                        showIfText: conditionText, mark: fields.mark)
    }

    func decodeKind(_ type: String, _ fields: inout Fields) -> Question.Kind? {
        let mark = fields.mark
        func requiredOptions(_ key: String = "options") -> [Option]? {
            guard let entry = fields.take(key) else {
                fail(mark, "a \(type) question needs '\(key)'")
                return nil
            }
            return options(entry.value, "'\(key)'", allowNamed: true)
        }
        func optionalInt(_ key: String) -> (Int, Mark)? {
            guard let entry = fields.take(key), let value = int(entry.value, key) else { return nil }
            return (value, entry.value.mark)
        }
        func flag(_ key: String) -> Bool { fields.take(key).flatMap { bool($0.value, key) } ?? false }

        switch type {
        case "single", "multi":
            let other = flag("other")
            guard let options = requiredOptions() else { return nil }
            if other, options.contains(where: { $0.code == "other" }) {
                fail(mark, "'other: true' adds the code 'other'; rename the option that already uses it")
            }
            if type == "single" { return .single(options: options, other: other) }
            var maxChoices: Int?
            if let (value, m) = optionalInt("max_choices") {
                let count = options.count + (other ? 1 : 0)
                if value < 1 || value > count { fail(m, "max_choices must be between 1 and \(count), the number of options") } else { maxChoices = value }
            }
            return .multi(options: options, other: other, maxChoices: maxChoices)
        case "scale":
            let low = optionalInt("min")
            let high = optionalInt("max")
            let minimum = low?.0 ?? 1
            let maximum = high?.0 ?? 5
            let minLabel = fields.take("min_label").flatMap { localized($0.value, "min_label") }
            let maxLabel = fields.take("max_label").flatMap { localized($0.value, "max_label") }
            guard minimum < maximum, maximum - minimum <= 20 else {
                fail(high?.1 ?? low?.1 ?? mark, "a scale needs min below max and at most 21 points, found \(minimum)..\(maximum)")
                return nil
            }
            return .scale(min: minimum, max: maximum, minLabel: minLabel, maxLabel: maxLabel)
        case "matrix":
            guard let rowsEntry = fields.take("rows") else {
                fail(mark, "a matrix question needs 'rows'")
                return nil
            }
            let rows = options(rowsEntry.value, "'rows'", allowNamed: false)
            guard let rows, let options = requiredOptions() else { return nil }
            return .matrix(rows: rows, options: options)
        case "yesno":
            return .yesno
        case "number":
            let low = fields.take("min").flatMap { e in number(e.value, "min").map { ($0, e.value.mark) } }
            let high = fields.take("max").flatMap { e in number(e.value, "max").map { ($0, e.value.mark) } }
            var decimals = 0
            if let (value, m) = optionalInt("decimals") {
                if (0...6).contains(value) { decimals = value } else { fail(m, "decimals must be between 0 and 6") }
            }
            if let low, let high, low.0 > high.0 {
                fail(high.1, "max (\(JSONNumber.text(high.0))) must not be below min (\(JSONNumber.text(low.0)))")
                return nil
            }
            return .number(min: low?.0, max: high?.0, decimals: decimals)
        case "text":
            let multiline = flag("multiline")
            var maxLength = 2000
            if let (value, m) = optionalInt("max_length") {
                if (1...100_000).contains(value) { maxLength = value } else { fail(m, "max_length must be between 1 and 100000") }
            }
            return .text(multiline: multiline, maxLength: maxLength)
        case "ranking":
            guard let options = requiredOptions() else { return nil }
            var maxRanked: Int?
            if let (value, m) = optionalInt("max_ranked") {
                if value < 1 || value > options.count { fail(m, "max_ranked must be between 1 and \(options.count), the number of options") } else { maxRanked = value }
            }
            if options.count < 2 { fail(mark, "a ranking needs at least two options") }
            return .ranking(options: options, maxRanked: maxRanked)
        default:
            return nil
        }
    }
}

/// Formats numbers in messages and pages without a needless `.0`.
public enum JSONNumber {
    public static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
