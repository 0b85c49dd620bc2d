import Foundation
import HTTP
import Store
import Survey

/// `GET /c`, `POST /c` and `GET /c/{code}` (what a card's or letter's QR code holds): an access
/// code leads to its holder's personal form (`303` to `/t/{token}`). A code whose check
/// character does not fit is a typo (`422`, caught before any lookup); a well-formed code that
/// nobody holds is `404` with the form again. Wrong codes are the only way to guess one: more
/// than 20 unknown codes from one client within 10 minutes get `429` with `Retry-After`.
/// Typos are not counted: they never reach the database and tell nothing.
struct AccessCodePage {
    let pool: DatabasePool
    let frame: PageFrame
    let limiter = RateLimiter(limit: 20, window: 600)

    static let texts: [String: [String: String]] = [
        "de": ["title": "Zugangscode eingeben", "label": "Zugangscode", "help": "Der Code steht auf Ihrer Karte oder Ihrem Brief, zum Beispiel 7KQM-2XHP-R9TD. Groß- und Kleinschreibung und Bindestriche sind egal.",
               "submit": "Weiter zur Umfrage", "typo": "Dieser Code hat einen Tippfehler. Bitte jedes Zeichen prüfen.",
               "unknown": "Diesen Code gibt es nicht. Bitte prüfen, ob er richtig abgeschrieben ist.",
               "limit": "Zu viele falsche Codes. Bitte in %@ Minuten noch einmal versuchen."],
        "en": ["title": "Enter your access code", "label": "Access code", "help": "The code is on your card or letter, for example 7KQM-2XHP-R9TD. Upper or lower case and dashes do not matter.",
               "submit": "Go to the survey", "typo": "This code has a typo. Please check each character.",
               "unknown": "This code does not exist. Please check that it was copied correctly.",
               "limit": "Too many wrong codes. Please try again in %@ minutes."],
    ]

    func respond(_ request: Request, code pathCode: String?) -> Response {
        let language = request.queryItem("lang") == "en" ? "en" : "de"
        func text(_ key: String, _ value: String = "") -> String { HTML.escape(Self.texts[language]![key]!.replacingOccurrences(of: "%@", with: value)) }
        let typed: String?
        if let pathCode {
            typed = pathCode
        } else if request.method == "POST" {
            guard SurveyPages.isFormEncoded(request.header("content-type")) else { return .text(415, "send the form as application/x-www-form-urlencoded") }
            typed = FormData.decode(request.body).first { $0.0 == "code" }?.1 ?? ""
        } else {
            typed = nil
        }
        guard let typed else { return page(language, typed: "", error: nil, status: 200) }
        let client = request.client
        if let wait = limiter.retryAfter(client) {
            var response = page(language, typed: typed, error: text("limit", String((wait + 59) / 60)), status: 429)
            response.headers.append(("Retry-After", String(wait)))
            return response
        }
        guard typed.utf8.count <= 64, let code = AccessCode.normalize(typed) else {
            return page(language, typed: typed, error: text("typo"), status: 422)
        }
        let holder: CodeHolder?
        do {
            holder = try pool.with { try $0.codeHolder(code: code) }
        } catch {
            return .text(503, "the database does not answer; please try again in a minute")
        }
        guard let holder else {
            limiter.fail(client)
            return page(language, typed: typed, error: text("unknown"), status: 404)
        }
        let location = "/t/\(holder.token)" + (request.queryItem("lang") == nil ? "" : "?lang=\(language)")
        return Response(status: 303, headers: Page.securityHeaders + [("Location", location)], body: Array("see the survey\n".utf8))
    }

    /// The form with one field, and the error beside it when there is one.
    func page(_ language: String, typed: String, error: String?, status: Int) -> Response {
        func text(_ key: String) -> String { HTML.escape(Self.texts[language]![key]!) }
        var body = "<h1>\(text("title"))</h1>\n<form method=\"post\" action=\"/c?lang=\(language)\" novalidate>\n<div class=\"question\">\n"
        body += "<label for=\"code\">\(text("label"))</label>\n<p class=\"help\" id=\"code-help\">\(text("help"))</p>\n"
        if let error { body += "<p class=\"error\" id=\"code-error\" role=\"alert\">\(error)</p>\n" }
        body += "<input type=\"text\" id=\"code\" name=\"code\" value=\"\(HTML.escape(String(typed.prefix(64))))\" autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" maxlength=\"32\""
        body += " aria-describedby=\"code-help\(error == nil ? "" : " code-error")\"\(error == nil ? "" : " aria-invalid=\"true\"")>\n</div>\n"
        body += "<button type=\"submit\">\(text("submit"))</button>\n</form>\n"
        body += LanguageNames.switcher([language == "de" ? "en" : "de"], label: UIText.html("language", language), path: "/c")
        return Page(frame: frame, language: language, title: text("title"), body: body, status: status).response()
    }
}
