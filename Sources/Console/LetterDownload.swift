import Foundation
import HTTP
import Print
import Store
import Survey
import Web

extension OrganizersConsole {
    /// At most this many letters or cards in one download: the document is built in memory
    /// (a letter with its QR code is some 10 KB). Those not printed before come in batches of
    /// it; everyone again only when they fit (else `mitreden letters --all`).
    static let lettersPerDownload = 2_000

    /// `GET/POST /admin/surveys/{id}/letters[?layout=letter|cards]`: what `mitreden letters`
    /// does, in the browser. Printing changes state (the people in the document count as invited
    /// by letter, `printed_at`), so the GET is a confirmation page that says how many, and the
    /// document comes from its `POST` (with the CSRF token and the number confirmed); when the
    /// number changed in between, the confirmation comes again and nothing is marked.
    func letters(_ request: Request, _ survey: Survey, _ fields: [(String, String)], _ session: ConsoleSessions.Session) throws -> Response {
        let id = HTML.escape(survey.id)
        guard survey.access == .invite else {
            return ConsolePage.message(404, "No letters", "„\(id)“ is an open survey: it has one public link and no participants to write to. Download its poster instead.", csrf: session.csrf)
        }
        let field = { (name: String) in request.method == "POST" ? fields.first { $0.0 == name }?.1 : request.queryItem(name) }
        let cards = field("layout") == "cards"
        let everyone = field("scope") == "all"
        let (fresh, all) = try pool.with { (try $0.letterRecipients(surveyID: survey.id, includePrinted: false),
                                            try $0.letterRecipients(surveyID: survey.id, includePrinted: true)) }
        let noun = cards ? ("code card", "code cards") : ("letter", "letters")
        func counted(_ n: Int) -> String { "\(n) \(n == 1 ? noun.0 : noun.1)" }
        let back = "<p><a href=\"/admin/surveys/\(id)#print\">Back to the survey</a></p>\n"
        var templates: [String: LetterTemplate] = [:]
        if !cards {
            let checked = LetterTemplate.checked(for: all, survey: survey, directory: settings.templatesDirectory)
            guard checked.errors.isEmpty else {
                let list = checked.errors.map { "<li><code>\(HTML.escape($0))</code></li>" }.joined(separator: "\n")
                return ConsolePage(title: "Letter template errors", body: "<h1>The letter template has errors</h1>\n<ul>\n\(list)\n</ul>\n<p>Nothing was printed or marked. Fix the template (<code>mitreden check</code>) first, or print code cards.</p>\n" + back,
                                   status: 422, csrf: session.csrf).response()
            }
            templates = checked.templates
        }
        let batch = everyone ? all : Array(fresh.prefix(Self.lettersPerDownload))
        let confirmed = fields.first { $0.0 == "expected" }.flatMap { Int($0.1) }
        if request.method == "POST", confirmed == batch.count, !batch.isEmpty, batch.count <= Self.lettersPerDownload {
            let html: String
            do {
                html = cards ? try CardSheet(survey: survey, baseURL: settings.baseURL).html(batch)
                    : try LetterDocument(survey: survey, templates: templates, baseURL: settings.baseURL, date: now()).html(batch)
            } catch {
                return ConsolePage.message(422, "Not printed", "The QR code cannot be made (\(HTML.escape("\(error)"))); the link begins with MITREDEN_BASE_URL, which must be shorter. Nothing was marked.", csrf: session.csrf)
            }
            _ = try pool.with { try $0.markPrinted(batch.map(\.id), now: now()) }
            settings.log("letters_printed", [("survey", survey.id), ("layout", cards ? "cards" : "letter"), ("count", String(batch.count)), ("by", "console")])
            let file = Response(status: 200, contentType: "text/html; charset=utf-8", body: html)
            return Self.attachment(file, name: "\(survey.id)-\(cards ? "cards" : "letters").html")
        }

        var body = "<h1>Print \(noun.1) for „\(Self.title(survey))“</h1>\n"
        if request.method == "POST" {
            body += "<p class=\"problem\" role=\"alert\">The number changed since this page was shown, so nothing was printed or marked. Check it again.</p>\n"
        }
        body += "<nav aria-label=\"Layout\"><ul class=\"links\"><li>" + (cards ? "<a href=\"/admin/surveys/\(id)/letters\">Letters (one A4 page each, with the address)</a>" : "<strong>Letters</strong>")
        body += "</li><li>" + (cards ? "<strong>Code cards</strong>" : "<a href=\"/admin/surveys/\(id)/letters?layout=cards\">Code cards (8 on an A4 page)</a>") + "</li></ul></nav>\n"
        guard !all.isEmpty else {
            body += "<p>Nobody to print for: this survey has no participants without email. Import people with a postal address (columns street, postcode, city), or create code cards with <code>mitreden codes \(id) --count N</code>.</p>\n" + back
            return ConsolePage(title: "Nothing to print", body: body, csrf: session.csrf).response()
        }
        body += "<p>One HTML document to print on A4 without margins (or save as PDF). It holds names, addresses and access codes: delete it after printing. Everyone in it counts as invited by letter from then on (“Invited (letter)”), as with <code>mitreden letters</code>.</p>\n"
        func form(_ scope: String, _ count: Int, _ label: String) -> String {
            """
            <form method="post" action="/admin/surveys/\(id)/letters" class="actions">\(ConsolePage.csrfField(session.csrf))
            <input type="hidden" name="layout" value="\(cards ? "cards" : "letter")">
            <input type="hidden" name="scope" value="\(scope)">
            <input type="hidden" name="expected" value="\(count)">
            <button type="submit">\(label)</button>
            </form>

            """
        }
        let waiting = fresh.count
        if waiting == 0 {
            body += "<p>All \(counted(all.count)) were printed before.</p>\n"
        } else {
            body += "<p><strong>\(counted(waiting))</strong> not printed before" + (waiting > batch.count && !everyone ? "; this download holds the first \(batch.count), download again for the rest" : "") + ".</p>\n"
            body += form("new", min(waiting, Self.lettersPerDownload), "Download \(counted(min(waiting, Self.lettersPerDownload)))")
        }
        if all.count > waiting {
            if all.count <= Self.lettersPerDownload {
                body += form("all", all.count, "Download all \(counted(all.count)) again, also those printed before")
            } else {
                body += "<p>Printing all \(counted(all.count)) again is too much for one download: use <code>mitreden letters \(id)\(cards ? " --layout cards" : "") --all</code> on the server.</p>\n"
            }
        }
        return ConsolePage(title: "Print \(noun.1)", body: body + back, csrf: session.csrf).response()
    }
}
