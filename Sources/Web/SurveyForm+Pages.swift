import JSON
import Survey

/// Where a paged form stands when one of its pages is shown.
public struct FormPaging {
    /// The page shown (0 = the first).
    public var page: Int
    /// Hidden fields of the form: `_page`, and an open survey's carried answers (`_carry`).
    public var hidden: [(String, String)]
    /// No page that shows a question follows: "Next" sends the answers.
    public var isLast: Bool
    public var canGoBack: Bool
    /// A personal link: "Continue later", and the note on what is kept with the link.
    public var personal: Bool
    public var anonymous: Bool
    /// Questions of this page whose condition earlier pages decide: id → shown.
    public var settled: [String: Bool]
    /// Answers of earlier pages that this page's remaining conditions read (for the script).
    public var earlier: [String: Answer]

    public init(page: Int, hidden: [(String, String)], isLast: Bool, canGoBack: Bool, personal: Bool, anonymous: Bool,
                settled: [String: Bool] = [:], earlier: [String: Answer] = [:]) {
        self.page = page
        self.hidden = hidden
        self.isLast = isLast
        self.canGoBack = canGoBack
        self.personal = personal
        self.anonymous = anonymous
        self.settled = settled
        self.earlier = earlier
    }
}

extension FormPaging {
    /// The other languages as buttons that send the form to `?lang=L` (relative: the same
    /// link) to show the same page in that language, keeping what was typed.
    static func switcher(_ languages: [String], label: String) -> String {
        guard !languages.isEmpty else { return "" }
        return "<nav aria-label=\"\(label)\">" + languages.map {
            "<button type=\"submit\" class=\"link\" name=\"_nav\" value=\"stay\" formaction=\"?lang=\($0)\" lang=\"\($0)\">\(LanguageNames.name($0))</button>"
        }.joined(separator: " · ") + "</nav>\n"
    }
}

/// A paged form's parts: progress, page heading, the page's questions and its buttons.
extension SurveyForm {
    /// "Page N of M" and a progress bar.
    func progress(_ paging: FormPaging) -> String {
        let n = String(paging.page + 1), m = String(survey.pages.count)
        return "<div class=\"progress\"><p id=\"progress-label\">\(ui("page.of", n, m))</p>"
            + "<progress max=\"\(m)\" value=\"\(n)\" aria-labelledby=\"progress-label\">\(n)/\(m)</progress></div>\n"
    }

    /// A page's title and intro (nothing for a page without them).
    func pageHeading(_ page: SurveyPage) -> String {
        (page.title.map { "<h2>\(text($0))</h2>\n" } ?? "") + (page.intro.map(paragraphs) ?? "")
    }

    /// The condition the form shows for `q`: none when earlier pages decide it.
    func condition(_ q: Question) -> Condition? {
        paging?.settled[q.id] == nil ? q.showIf : nil
    }

    /// `data-earlier` on the form: the answers of earlier pages the script needs.
    func earlierAnswers(_ paging: FormPaging) -> String {
        guard !paging.earlier.isEmpty else { return "" }
        let json = JSONValue.object(paging.earlier.sorted { $0.key < $1.key }.map { ($0.key, FormScript.json($0.value)) })
        return " data-earlier=\"\(HTML.escape(json.serialized()))\""
    }

    func pageQuestions(_ paging: FormPaging) -> String {
        var out = paging.hidden.map { "<input type=\"hidden\" name=\"\(HTML.escape($0.0))\" value=\"\(HTML.escape($0.1))\">\n" }.joined()
        for index in survey.pages[paging.page].questions where paging.settled[survey.questions[index].id] != false {
            out += question(survey.questions[index])
        }
        out += "<div class=\"pager\">\n<button type=\"submit\" id=\"nav-next\" name=\"_nav\" value=\"next\">\(ui(paging.isLast ? "submit" : "next"))</button>\n"
        if paging.canGoBack { out += "<button type=\"submit\" id=\"nav-back\" name=\"_nav\" value=\"back\" class=\"secondary\">\(ui("back"))</button>\n" }
        if paging.personal { out += "<button type=\"submit\" id=\"nav-later\" name=\"_nav\" value=\"later\" class=\"secondary\">\(ui("later"))</button>\n" }
        out += "</div>\n"
        if paging.personal { out += "<p class=\"note\">\(ui(paging.anonymous ? "later.anonymous" : "later.note"))</p>\n" }
        return out
    }
}
