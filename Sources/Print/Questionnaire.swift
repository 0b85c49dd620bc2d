import Foundation
import Survey

/// The paper questionnaire of a survey (`mitreden print`): a print-ready A4 document with the
/// title and intro, for invite surveys a field of 12 boxes for the access code on the first
/// page, and every question numbered, with a box to tick per option (round: one answer;
/// square: several), scales as boxes under their points with the end labels, matrices as
/// tables, rankings with a box per place, digit boxes or lines for numbers and texts, `show_if`
/// written out with question numbers, and required questions marked. No question is split
/// across pages. The structure stays accessible: headings, and a fieldset with its legend per
/// question. Answers typed in from the returned sheets go back through `responses import`.
public struct Questionnaire {
    let survey: Survey
    let language: String
    let words: QuestionnaireWords
    let conditions: ConditionWords

    /// `language`: one of the survey's languages (the caller checks it).
    public init(survey: Survey, language: String) {
        self.survey = survey
        self.language = language
        words = QuestionnaireWords(language)
        conditions = ConditionWords(survey: survey, language: language)
    }

    func text(_ t: LocalizedText) -> String { HTML.escape(t.text(language, default: survey.defaultLanguage)) }

    /// Languages written right to left.
    static let rightToLeft: Set<String> = ["ar", "he", "fa", "ur", "ps", "yi", "dv", "ku"]

    /// The questionnaire as a print document.
    public func document() -> PrintDocument {
        let title = survey.title.text(language, default: survey.defaultLanguage)
        let direction = Self.rightToLeft.contains(String(language.prefix { $0 != "-" && $0 != "_" }).lowercased()) ? " dir=\"rtl\"" : ""
        var body = "<main class=\"questionnaire\"\(direction)>\n<header>\n<h1>\(HTML.escape(title))</h1>\n"
        if let intro = survey.intro {
            for paragraph in intro.text(language, default: survey.defaultLanguage).split(separator: "\n\n") {
                let trimmed = paragraph.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty { body += "<p class=\"intro\">\(HTML.escape(trimmed))</p>\n" }
            }
        }
        if survey.access == .invite { body += codeField() }
        body += "<p class=\"how\">\(HTML.escape(words.howTo))"
        if survey.questions.contains(where: \.required) { body += " \(HTML.escape(words.requiredNote))" }
        body += "</p>\n</header>\n"
        // A paged survey's pages become sections headed by their titles; the questions are then
        // one heading level down, and numbered on through the pages.
        let level = survey.isPaged ? 3 : 2
        for page in survey.pages {
            if survey.isPaged, let title = page.title {
                body += "<h2 class=\"page\">\(text(title))</h2>\n"
                if let intro = page.intro { body += "<p class=\"intro\">\(text(intro))</p>\n" }
            }
            for index in page.questions { body += question(survey.questions[index], number: index + 1, level: level) }
        }
        body += "<p class=\"thanks\">\(HTML.escape(words.thanks))</p>\n</main>\n"
        return PrintDocument(language: language, title: title, style: style, body: body)
    }

    /// The access code's field: 12 boxes in three groups of four, as the code is written.
    func codeField() -> String {
        let group = String(repeating: "<span class=\"box digit\"></span>", count: 4)
        var html = "<section class=\"code\" aria-labelledby=\"code-title\">\n<h2 id=\"code-title\">\(HTML.escape(words.codeTitle))</h2>\n"
        html += "<p>\(HTML.escape(words.codeHelp))</p>\n"
        html += "<p class=\"code-boxes\" role=\"img\" aria-label=\"\(HTML.escape(words.codeBoxes))\">"
        html += [group, group, group].joined(separator: "<span class=\"dash\" aria-hidden=\"true\">–</span>") + "</p>\n"
        if survey.anonymous { html += "<p class=\"note\">\(HTML.escape(words.codeOnce))</p>\n" }
        return html + "</section>\n"
    }

    /// One question: a fieldset whose legend is its numbered heading, then its notes and boxes.
    func question(_ q: Question, number: Int, level: Int = 2) -> String {
        let id = "q\(number)"
        var html = "<fieldset class=\"question\" id=\"\(id)\" data-question=\"\(HTML.escape(q.id))\">\n"
        html += "<legend><h\(level)><span class=\"number\">\(number).</span> \(text(q.text))"
        if q.required { html += " <span class=\"required\">(\(HTML.escape(words.required)))</span>" }
        html += "</h\(level)></legend>\n"
        if let condition = q.showIf { html += "<p class=\"when\">\(HTML.escape(conditions.sentence(condition)))</p>\n" }
        if let help = q.help { html += "<p class=\"help\">\(text(help))</p>\n" }
        switch q.kind {
        case .single(let options, let other):
            html += note(words.single) + choices(options, other: other, round: true)
        case .multi(let options, let other, let maxChoices):
            html += note(words.multi(max: maxChoices)) + choices(options, other: other, round: false)
        case .yesno:
            html += note(words.yesno) + choices(q.choices, other: false, round: true, inline: true)
        case .scale(let low, let high, let lowLabel, let highLabel):
            html += note(words.scale(low, high)) + scale(low, high, lowLabel, highLabel)
        case .matrix(let rows, let options):
            html += note(words.matrix) + matrix(rows, options, caption: "\(number). \(text(q.text))")
        case .ranking(let options, let maxRanked):
            html += note(words.ranking(count: options.count, maxRanked: maxRanked)) + ranking(options)
        case .number(let low, let high, let decimals):
            html += note(words.number(min: low, max: high, decimals: decimals)) + digits(low, high, decimals)
        case .text(let multiline, let maxLength):
            if maxLength < 2000 { html += note(words.maxLength(maxLength)) }
            // About 90 characters fit on a line by hand.
            html += lines(multiline ? max(4, min(10, maxLength / 200)) : maxLength > 90 ? 2 : 1)
        }
        return html + "</fieldset>\n"
    }

    func note(_ text: String) -> String { "<p class=\"note\">\(HTML.escape(text))</p>\n" }

    static let round = "<span class=\"box round\" aria-hidden=\"true\"></span>"
    static let square = "<span class=\"box\" aria-hidden=\"true\"></span>"

    /// A box per option; `other` adds its box and a line to write on.
    func choices(_ options: [Option], other: Bool, round: Bool, inline: Bool = false) -> String {
        let box = round ? Self.round : Self.square
        var html = "<ul class=\"options\(inline ? " inline" : "")\">\n"
        for option in options { html += "<li>\(box) <span class=\"label\">\(text(option.label))</span></li>\n" }
        if other { html += "<li class=\"other\">\(box) <span class=\"label\">\(HTML.escape(words.other))</span> <span class=\"fill\" aria-hidden=\"true\"></span></li>\n" }
        return html + "</ul>\n"
    }

    /// The points as column headings, a round box under each, the end labels beside the ends.
    func scale(_ low: Int, _ high: Int, _ lowLabel: LocalizedText?, _ highLabel: LocalizedText?) -> String {
        var html = "<table class=\"scale\">\n<thead><tr><td></td>"
        for point in low...high { html += "<th scope=\"col\">\(point)</th>" }
        html += "<td></td></tr></thead>\n<tbody><tr><td class=\"end low\">\(lowLabel.map(text) ?? "")</td>"
        for _ in low...high { html += "<td>\(Self.round)</td>" }
        html += "<td class=\"end high\">\(highLabel.map(text) ?? "")</td></tr></tbody>\n</table>\n"
        return html
    }

    /// Rows × options, a round box per cell.
    func matrix(_ rows: [Option], _ options: [Option], caption: String) -> String {
        var html = "<table class=\"matrix\">\n<caption class=\"hidden\">\(caption)</caption>\n<thead><tr><td></td>"
        for option in options { html += "<th scope=\"col\">\(text(option.label))</th>" }
        html += "</tr></thead>\n<tbody>\n"
        for row in rows {
            html += "<tr><th scope=\"row\">\(text(row.label))</th>"
            for _ in options { html += "<td>\(Self.round)</td>" }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    /// A box per option to write its place in.
    func ranking(_ options: [Option]) -> String {
        var html = "<ul class=\"options ranking\">\n"
        for option in options { html += "<li><span class=\"box place\" aria-hidden=\"true\"></span> <span class=\"label\">\(text(option.label))</span></li>\n" }
        return html + "</ul>\n"
    }

    /// A box per digit when the range is known and small (up to 8 digits, no negative numbers),
    /// with a decimal sign and a box per decimal; a line otherwise.
    func digits(_ low: Double?, _ high: Double?, _ decimals: Int) -> String {
        guard let high, (low ?? 0) >= 0, high < 1e8 else { return lines(1, short: true) }
        let count = max(1, String(Int(high.rounded(.down))).count)
        let box = "<span class=\"box digit\"></span>"
        var html = "<p class=\"digits\" aria-hidden=\"true\">" + String(repeating: box, count: count)
        if decimals > 0 { html += "<span class=\"comma\">\(words.german ? "," : ".")</span>" + String(repeating: box, count: decimals) }
        return html + "</p>\n"
    }

    /// Lines to write on.
    func lines(_ count: Int, short: Bool = false) -> String {
        "<div class=\"lines\(short ? " short" : "")\" aria-hidden=\"true\">" + String(repeating: "<span class=\"line\"></span>", count: count) + "</div>\n"
    }
}
