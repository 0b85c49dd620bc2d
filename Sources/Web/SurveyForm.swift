import Mail
import Survey

/// The HTML of a survey form: every question with the values given so far and its error.
public struct SurveyForm {
    let survey: Survey
    let language: String
    let action: String
    /// Submitted fields, to keep what was typed after an error.
    var fields: [(String, String)] = []
    var errors: [AnswerError] = []
    /// For a paged survey: the page shown and how it continues; nil shows every question.
    var paging: FormPaging?

    /// The form of `survey` in `language` posting to `action`, with `fields` filled in and `errors` shown.
    public init(survey: Survey, language: String, action: String, fields: [(String, String)] = [], errors: [AnswerError] = [],
                paging: FormPaging? = nil) {
        self.survey = survey
        self.language = language
        self.action = action
        self.fields = fields
        self.errors = errors
        self.paging = paging
    }

    func text(_ t: LocalizedText) -> String { HTML.escape(t.text(language, default: survey.defaultLanguage)) }
    func ui(_ key: String, _ values: String...) -> String { UIText.html(key, language, values: values) }
    func values(_ name: String) -> [String] { fields.filter { $0.0 == name }.map(\.1) }
    func value(_ name: String) -> String { values(name).last ?? "" }

    func paragraphs(_ t: LocalizedText) -> String {
        t.text(language, default: survey.defaultLanguage).split(separator: "\n\n").map { "<p>\(HTML.escape(String($0)))</p>\n" }.joined()
    }

    /// The form's HTML (a heading, the questions, the submit button, the language links).
    public var html: String {
        var out = "<h1>\(text(survey.title))</h1>\n"
        if let intro = survey.intro, (paging?.page ?? 0) == 0 { out += paragraphs(intro) }
        if let paging { out += progress(paging) + pageHeading(survey.pages[paging.page]) }
        if !errors.isEmpty {
            out += "<div class=\"summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\" aria-labelledby=\"errors-title\" autofocus>\n"
            out += "<h2 id=\"errors-title\">\(errors.count == 1 ? ui("errors.one") : ui("errors.many", String(errors.count)))</h2>\n<ul>\n"
            for error in errors {
                let question = survey.question(error.question).map { text($0.text) } ?? ""
                out += "<li><a href=\"#q-\(error.question)\">\(question): \(HTML.escape(error.message))</a></li>\n"
            }
            out += "</ul>\n</div>\n"
        }
        out += "<form method=\"post\" action=\"\(HTML.escape(action))\" novalidate data-survey=\"\(HTML.escape(survey.id))\"\(paging.map(earlierAnswers) ?? "")>\n"
        if let paging {
            out += pageQuestions(paging)
        } else {
            for page in survey.pages {
                out += pageHeading(page)
                for index in page.questions { out += question(survey.questions[index]) }
            }
            out += "<button type=\"submit\">\(ui("submit"))</button>\n"
        }
        let others = survey.languages.filter { $0 != language }
        // A paged form changes its language by sending itself, so that nothing typed or carried is lost.
        if paging != nil { out += FormPaging.switcher(others, label: ui("language")) }
        out += "</form>\n<script src=\"\(FormScript.path)\" defer></script>\n"
        if paging == nil { out += LanguageNames.switcher(others, label: ui("language")) }
        return out
    }

    /// Help, condition and error texts under a question, and the ids that describe it.
    func notes(_ q: Question) -> (String, String) {
        var html = ""
        var ids: [String] = []
        if let help = q.help { html += "<p class=\"help\" id=\"help-\(q.id)\">\(text(help))</p>\n"; ids.append("help-\(q.id)") }
        if let condition = condition(q) { html += "<p class=\"help when\" id=\"when-\(q.id)\">\(ui("only")) \(describe(condition))</p>\n"; ids.append("when-\(q.id)") }
        if let error = errors.first(where: { $0.question == q.id }) {
            html += "<p class=\"error\" id=\"error-\(q.id)\">\(HTML.escape(error.message))</p>\n"
            ids.append("error-\(q.id)")
        }
        return (html, ids.isEmpty ? "" : " aria-describedby=\"\(ids.joined(separator: " "))\"")
    }

    func legend(_ q: Question) -> String {
        text(q.text) + (q.required ? " <span class=\"required\">(\(ui("required")))</span>" : "")
    }

    func choices(_ name: String, _ options: [Option], multiple: Bool, selected: [String]) -> String {
        options.map { option in
            let id = "\(name)-\(option.code)".map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? String($0) : "_" }.joined()
            let label = text(option.label)
            return "<div class=\"option\"><input type=\"\(multiple ? "checkbox" : "radio")\" name=\"\(HTML.escape(name))\" id=\"\(id)\" value=\"\(HTML.escape(option.code))\"\(selected.contains(option.code) ? " checked" : "")><label for=\"\(id)\">\(label)</label></div>\n"
        }.joined()
    }

    /// `data-kind` and, for a `show_if` question, `data-show-if` (for the script).
    func data(_ q: Question) -> String {
        " data-kind=\"\(q.typeName)\"" + (condition(q).map { " data-show-if=\"\(HTML.escape(FormScript.json($0).serialized()))\"" } ?? "")
    }

    func question(_ q: Question) -> String {
        let (notes, describedBy) = notes(q)
        let data = data(q)
        let invalid = errors.contains { $0.question == q.id } ? " aria-invalid=\"true\"" : ""
        switch q.kind {
        case .single(let options, let other), .multi(let options, let other, _):
            let multiple: Bool
            if case .multi = q.kind { multiple = true } else { multiple = false }
            var html = "<fieldset id=\"q-\(q.id)\"\(data)\(describedBy)>\n<legend>\(legend(q))</legend>\n\(notes)"
            html += choices(q.id, options + (other ? [.other] : []), multiple: multiple, selected: values(q.id))
            if other {
                html += "<div class=\"other\"><label for=\"\(q.id)-other-text\">\(ui("other"))</label> <input type=\"text\" id=\"\(q.id)-other-text\" name=\"\(q.id).other\" value=\"\(HTML.escape(value(q.id + ".other")))\" maxlength=\"2000\"></div>\n"
            }
            return html + "</fieldset>\n"
        case .yesno:
            let options = [Option(code: "yes", label: LocalizedText(UIText.table[language]?["yes"] ?? "Yes")),
                           Option(code: "no", label: LocalizedText(UIText.table[language]?["no"] ?? "No"))]
            return "<fieldset id=\"q-\(q.id)\"\(data)\(describedBy)>\n<legend>\(legend(q))</legend>\n\(notes)" + choices(q.id, options, multiple: false, selected: values(q.id)) + "</fieldset>\n"
        case .scale(let low, let high, let minLabel, let maxLabel):
            let options = (low...high).map { point -> Option in
                var label = String(point)
                if point == low, let minLabel { label += " – " + minLabel.text(language, default: survey.defaultLanguage) }
                if point == high, let maxLabel { label += " – " + maxLabel.text(language, default: survey.defaultLanguage) }
                return Option(code: String(point), label: LocalizedText(label))
            }
            return "<fieldset id=\"q-\(q.id)\" class=\"scale\"\(data)\(describedBy)>\n<legend>\(legend(q))</legend>\n\(notes)" + choices(q.id, options, multiple: false, selected: values(q.id)) + "</fieldset>\n"
        case .matrix(let rows, let options):
            var html = "<fieldset id=\"q-\(q.id)\"\(data)\(describedBy)>\n<legend>\(legend(q))</legend>\n\(notes)"
            for row in rows {
                html += "<fieldset class=\"row\">\n<legend>\(text(row.label))</legend>\n" + choices("\(q.id).\(row.code)", options, multiple: false, selected: values("\(q.id).\(row.code)")) + "</fieldset>\n"
            }
            return html + "</fieldset>\n"
        case .number(let low, let high, let decimals):
            var range = ""
            let shown = { language == "de" ? Survey.german($0) : JSONNumber.text($0) }
            if let low { range += " \(ui("min")) \(shown(low))" }
            if let high { range += " \(ui("max")) \(shown(high))" }
            return "<div class=\"question\" id=\"q-\(q.id)\"\(data)>\n<label for=\"\(q.id)\">\(legend(q))</label>\n\(notes)<input type=\"text\" inputmode=\"\(decimals > 0 ? "decimal" : "numeric")\" id=\"\(q.id)\" name=\"\(q.id)\" value=\"\(HTML.escape(value(q.id)))\"\(describedBy)\(invalid)>\(range.isEmpty ? "" : " <span class=\"range\">(\(range.dropFirst()))</span>")\n</div>\n"
        case .text(let multiline, let maxLength):
            let control = multiline
                ? "<textarea id=\"\(q.id)\" name=\"\(q.id)\" rows=\"5\" maxlength=\"\(maxLength)\"\(describedBy)\(invalid)>\(HTML.escape(value(q.id)))</textarea>"
                : "<input type=\"text\" id=\"\(q.id)\" name=\"\(q.id)\" maxlength=\"\(maxLength)\" value=\"\(HTML.escape(value(q.id)))\"\(describedBy)\(invalid)>"
            return "<div class=\"question\" id=\"q-\(q.id)\"\(data)>\n<label for=\"\(q.id)\">\(legend(q))</label>\n\(notes)\(control)\n</div>\n"
        case .ranking(let options, let maxRanked):
            var html = "<fieldset id=\"q-\(q.id)\"\(data)\(describedBy)>\n<legend>\(legend(q))</legend>\n\(notes)"
            for place in 1...(maxRanked ?? options.count) {
                let name = "\(q.id).\(place)"
                html += "<div class=\"place\"><label for=\"\(q.id)-\(place)\">\(ui("place", String(place)))</label> <select id=\"\(q.id)-\(place)\" name=\"\(name)\">"
                html += "<option value=\"\">\(ui("choose"))</option>"
                for option in options {
                    html += "<option value=\"\(HTML.escape(option.code))\"\(value(name) == option.code ? " selected" : "")>\(text(option.label))</option>"
                }
                html += "</select></div>\n"
            }
            return html + "</fieldset>\n"
        }
    }

    /// A `show_if` condition in words: the questions' texts and the answers' labels.
    func describe(_ condition: Condition) -> String {
        func name(_ ref: Condition.Reference) -> String {
            guard let q = survey.question(ref.question) else { return HTML.escape(ref.question) }
            if let row = ref.row, case .matrix(let rows, _) = q.kind, let r = rows.first(where: { $0.code == row }) {
                return "„\(text(q.text)) – \(text(r.label))“"
            }
            return "„\(text(q.text))“"
        }
        func label(_ ref: Condition.Reference, _ code: String) -> String {
            guard let q = survey.question(ref.question) else { return HTML.escape(code) }
            switch q.kind {
            case .yesno: return ui(code == "yes" ? "yes" : "no")
            case .single(let options, _), .multi(let options, _, _), .matrix(_, let options):
                return options.first { $0.code == code }.map { text($0.label) } ?? HTML.escape(code)
            default: return HTML.escape(code)
            }
        }
        switch condition {
        case .and(let a, let b): return "\(describe(a)) \(ui("and")) \(describe(b))"
        case .or(let a, let b): return "(\(describe(a)) \(ui("or")) \(describe(b)))"
        case .not(let c): return "\(ui("not")) (\(describe(c)))"
        case .answered(let ref): return "\(name(ref)) \(ui("answered"))"
        case .contains(let ref, let value): return "\(name(ref)): \(label(ref, value))"
        case .isIn(let ref, let values): return "\(name(ref)): " + values.map { label(ref, $0) }.joined(separator: " / ")
        case .compare(let ref, let op, let value):
            return op == .equal ? "\(name(ref)): \(label(ref, value))" : "\(name(ref)) \(HTML.escape(op.rawValue)) \(label(ref, value))"
        }
    }
}
