import Foundation
import HTTP
import Survey

/// `GET /`: the server's front door, for whoever opens its address (an organizer after the
/// first start, a citizen who shortened a link): the open surveys that anyone may answer, with
/// their links and closing dates, and a word on personal invitations. Wrapped in `page.html`,
/// so the operator's imprint and privacy links are there too.
struct FrontPage {
    let surveys: @Sendable () -> [String: Survey]
    let frame: PageFrame
    let now: @Sendable () -> Date

    static let texts: [String: [String: String]] = [
        "de": ["title": "Umfragen", "open": "Diese Umfragen sind offen, alle können mitmachen:",
               "none": "Zurzeit ist keine offene Umfrage zu beantworten.",
               "until": "bis %@", "invited": "Wer persönlich eingeladen wurde, per E-Mail oder Brief, nutzt bitte den Link aus der Einladung."],
        "en": ["title": "Surveys", "open": "These surveys are open to everyone:",
               "none": "No open survey can be answered at the moment.",
               "until": "until %@", "invited": "If you were invited personally, by email or letter, please use the link from your invitation."],
    ]

    func response(_ request: Request) -> Response {
        let date = now()
        let open = surveys().values.filter { $0.access == .open && $0.isOpen(at: date) }.sorted { $0.id < $1.id }
        var languages = ["de", "en"]
        for survey in open { for l in survey.languages where !languages.contains(l) { languages.append(l) } }
        let language = request.queryItem("lang").flatMap { languages.contains($0) ? $0 : nil } ?? "de"
        func text(_ key: String, _ value: String = "") -> String {
            HTML.escape(((Self.texts[language] ?? Self.texts["en"]!)[key] ?? key).replacingOccurrences(of: "%@", with: value))
        }
        var body = "<h1>\(text("title"))</h1>\n"
        if open.isEmpty {
            body += "<p>\(text("none"))</p>\n"
        } else {
            body += "<p>\(text("open"))</p>\n<ul>\n"
            for survey in open {
                let shown = survey.languages.contains(language) ? language : survey.defaultLanguage
                let title = HTML.escape(survey.title.text(shown, default: survey.defaultLanguage))
                let closes = survey.closes == nil ? "" : " (\(text("until", survey.closesText(shown))))"
                body += "<li><a href=\"/s/\(HTML.escape(survey.id))?lang=\(shown)\" lang=\"\(shown)\">\(title)</a>\(closes)</li>\n"
            }
            body += "</ul>\n"
        }
        body += "<p>\(text("invited"))</p>\n"
        body += LanguageNames.switcher(languages.filter { $0 != language }, label: UIText.html("language", language), path: "/")
        return Page(frame: frame, language: language, title: text("title"), body: body).response()
    }
}
