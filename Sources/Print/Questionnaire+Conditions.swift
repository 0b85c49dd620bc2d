import Survey

/// `show_if` written out for paper, naming questions by their number: "Nur beantworten, wenn
/// bei Frage 4 „Ja“ angekreuzt ist." / "Only answer if “Yes” is ticked in question 4."
struct ConditionWords {
    let survey: Survey
    let language: String
    let words: QuestionnaireWords
    /// The printed number of each question.
    let numbers: [String: Int]

    init(survey: Survey, language: String) {
        self.survey = survey
        self.language = language
        words = QuestionnaireWords(language)
        numbers = Dictionary(survey.questions.enumerated().map { ($0.element.id, $0.offset + 1) }, uniquingKeysWith: { a, _ in a })
    }

    func pick(_ de: String, _ en: String) -> String { words.pick(de, en) }

    /// The whole sentence.
    func sentence(_ condition: Condition) -> String {
        "\(words.only) \(clause(condition))."
    }

    func quoted(_ text: String) -> String { pick("„\(text)“", "“\(text)”") }

    func label(_ text: LocalizedText) -> String { text.text(language, default: survey.defaultLanguage) }

    /// "bei Frage 4" / "in question 4", and for a matrix row "bei Frage 4 in der Zeile „…“".
    func place(_ ref: Condition.Reference) -> String {
        let number = numbers[ref.question].map(String.init) ?? ref.question
        var text = pick("bei Frage \(number)", "in question \(number)")
        if let row = ref.row, case .matrix(let rows, _)? = survey.question(ref.question)?.kind,
           let r = rows.first(where: { $0.code == row }) {
            text += pick(" in der Zeile \(quoted(label(r.label)))", ", row \(quoted(label(r.label)))")
        }
        return text
    }

    /// What a value of the referenced question reads as on paper: an option's label, or the number.
    func value(_ ref: Condition.Reference, _ code: String) -> String {
        guard let q = survey.question(ref.question) else { return quoted(code) }
        switch q.kind {
        case .single, .multi, .yesno, .matrix:
            let options: [Option]
            if case .matrix(_, let o) = q.kind { options = o } else { options = q.choices }
            return quoted(options.first { $0.code == code }.map { label($0.label) } ?? code)
        case .scale, .number:
            return Double(code).map(words.number) ?? code
        case .text, .ranking:
            return quoted(code)
        }
    }

    /// Whether the referenced question is answered by a number written in (not ticked).
    func isWritten(_ ref: Condition.Reference) -> Bool {
        if case .number? = survey.question(ref.question)?.kind { return true }
        if case .text? = survey.question(ref.question)?.kind { return true }
        return false
    }

    /// "ticked" or "entered", as a participle for the clause.
    func done(_ ref: Condition.Reference, not: Bool = false) -> String {
        let verb = isWritten(ref) ? pick("eingetragen", "entered") : pick("angekreuzt", "ticked")
        return not ? pick("nicht \(verb)", "not \(verb)") : verb
    }

    func isNumeric(_ ref: Condition.Reference) -> Bool {
        switch survey.question(ref.question)?.kind {
        case .scale?, .number?: return true
        default: return false
        }
    }

    /// The clause after "wenn" / "if", verb last in German.
    func clause(_ condition: Condition) -> String {
        switch condition {
        case .and(let a, let b): return "\(part(a, in: condition)) \(pick("und", "and")) \(part(b, in: condition))"
        case .or(let a, let b): return "\(part(a, in: condition)) \(pick("oder", "or")) \(part(b, in: condition))"
        case .not(let inner): return negated(inner)
        case .answered(let ref):
            if ref.row != nil { return pick("\(place(ref)) etwas angekreuzt ist", "something is ticked \(place(ref))") }
            let number = numbers[ref.question].map(String.init) ?? ref.question
            return pick("Frage \(number) beantwortet ist", "question \(number) is answered")
        case .contains(let ref, let code): return ticked(ref, value(ref, code))
        case .isIn(let ref, let codes):
            let values = codes.map { value(ref, $0) }
            let list = values.dropLast().joined(separator: ", ") + (values.count > 1 ? pick(" oder ", " or ") : "") + (values.last ?? "")
            if isNumeric(ref) { return numeric(ref, pick("der Wert \(list)", "the value \(list)"), pick("die Zahl \(list)", "the number \(list)")) }
            return ticked(ref, list)
        case .compare(let ref, let op, let code):
            let shown = value(ref, code)
            guard isNumeric(ref) else {
                switch op {
                case .equal: return ticked(ref, shown)
                case .notEqual: return ticked(ref, pick("etwas anderes als \(shown)", "an answer other than \(shown)"))
                default: return ticked(ref, "\(op.rawValue) \(shown)")
                }
            }
            let (de, en): (String, String)
            switch op {
            case .equal: return numeric(ref, pick("der Wert \(shown)", "the value \(shown)"), pick("die Zahl \(shown)", "the number \(shown)"))
            case .notEqual: (de, en) = ("ungleich \(shown)", "other than \(shown)")
            case .less: (de, en) = ("kleiner als \(shown)", "less than \(shown)")
            case .lessOrEqual: (de, en) = ("von höchstens \(shown)", "of at most \(shown)")
            case .greater: (de, en) = ("größer als \(shown)", "greater than \(shown)")
            case .greaterOrEqual: (de, en) = ("von mindestens \(shown)", "of at least \(shown)")
            }
            return numeric(ref, pick("ein Wert \(de)", "a value \(en)"), pick("eine Zahl \(de)", "a number \(en)"))
        }
    }

    /// "bei Frage 4 „Ja“ angekreuzt ist" / "“Yes” is ticked in question 4".
    func ticked(_ ref: Condition.Reference, _ what: String, not: Bool = false) -> String {
        pick("\(place(ref)) \(what) \(done(ref, not: not)) ist", "\(what) is \(done(ref, not: not)) \(place(ref))")
    }

    /// A scale value ticked or a number entered.
    func numeric(_ ref: Condition.Reference, _ scaleValue: String, _ numberValue: String) -> String {
        ticked(ref, isWritten(ref) ? numberValue : scaleValue)
    }

    /// An operand of `and`/`or`; an `or` inside an `and` (and the reverse) in parentheses.
    func part(_ operand: Condition, in parent: Condition) -> String {
        switch (operand, parent) {
        case (.or, .and), (.and, .or): return "(\(clause(operand)))"
        default: return clause(operand)
        }
    }

    /// `not`: said directly where a test has a plain negation, otherwise "nicht zutrifft, dass …".
    func negated(_ inner: Condition) -> String {
        switch inner {
        case .answered(let ref) where ref.row == nil:
            let number = numbers[ref.question].map(String.init) ?? ref.question
            return pick("Frage \(number) nicht beantwortet ist", "question \(number) is not answered")
        case .contains(let ref, let code): return ticked(ref, value(ref, code), not: true)
        case .compare(let ref, .equal, let code) where !isNumeric(ref): return ticked(ref, value(ref, code), not: true)
        case .not(let twice): return clause(twice)
        default: return pick("nicht zutrifft, dass \(clause(inner))", "it is not the case that \(clause(inner))")
        }
    }
}
