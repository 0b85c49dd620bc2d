import HTTP
import Mail
import Store
import Survey

/// `GET /u/{token}`: a page with one button. `POST /u/{token}`: unsubscribes; mail clients
/// send it for RFC 8058 one-click unsubscribe (`List-Unsubscribe=One-Click`). No more mail goes
/// to that person for that survey.
struct Unsubscribe {
    let pool: DatabasePool
    let surveys: @Sendable () -> [String: Survey]
    let frame: PageFrame

    static func text(_ key: String, _ language: String, _ value: String = "") -> String {
        UIText.html("unsubscribe." + key, language, value)
    }

    func respond(_ request: Request, token: String, post: Bool) -> Response {
        do {
            guard Token.isWellFormed(Substring(token)), let holder = try pool.with({ try $0.linkHolder(token: token) }),
                  let survey = surveys()[holder.surveyID] else {
                let language = request.queryItem("lang") == "en" ? "en" : "de"
                return Page(frame: frame, language: language, title: Self.text("unknown", language),
                            body: "<h1>\(Self.text("unknown", language))</h1>\n<p>\(Self.text("unknownText", language))</p>", status: 404).response()
            }
            let language = request.queryItem("lang").flatMap { survey.languages.contains($0) ? $0 : nil }
                ?? holder.language.flatMap { survey.languages.contains($0) ? $0 : nil } ?? survey.defaultLanguage
            let title = survey.title.text(language, default: survey.defaultLanguage)
            if post {
                _ = try pool.with { try $0.unsubscribe(token: token) }
                return Page(frame: frame, language: language, title: Self.text("doneTitle", language),
                            body: "<h1>\(Self.text("doneTitle", language))</h1>\n<p role=\"status\">\(Self.text("done", language, title))</p>").response()
            }
            if holder.unsubscribed {
                return Page(frame: frame, language: language, title: Self.text("doneTitle", language),
                            body: "<h1>\(Self.text("doneTitle", language))</h1>\n<p>\(Self.text("already", language, title))</p>").response()
            }
            var body = """
            <h1>\(Self.text("title", language))</h1>
            <p>\(Self.text("ask", language, title))</p>
            <form method="post" action="/u/\(token)?lang=\(language)">
            <button type="submit">\(Self.text("button", language))</button>
            </form>
            """
            body += "\n" + LanguageNames.switcher(survey.languages.filter { $0 != language }, label: UIText.html("language", language), path: "/u/\(token)")
            return Page(frame: frame, language: language, title: Self.text("title", language), body: body).response()
        } catch {
            return .text(503, "the database does not answer; please try again in a minute")
        }
    }
}

/// Language names in their own language, for language switches.
enum LanguageNames {
    static func name(_ code: String) -> String {
        ["de": "Deutsch", "en": "English", "uk": "Українська", "ar": "العربية", "tr": "Türkçe", "pl": "Polski", "ru": "Русский", "fr": "Français"][code] ?? code
    }

    /// The links to the page in each of `languages`, each named in its own language; empty when there is none.
    static func switcher(_ languages: [String], label: String, path: String = "") -> String {
        guard !languages.isEmpty else { return "" }
        return "<nav aria-label=\"\(label)\">" + languages.map {
            "<a href=\"\(path)?lang=\($0)\" hreflang=\"\($0)\" lang=\"\($0)\">\(name($0))</a>"
        }.joined(separator: " · ") + "</nav>\n"
    }
}
