import Foundation
import HTTP
import JSON
import Results
import Store
import Survey
import Web

extension OrganizersConsole {
    /// `GET /admin/surveys/{id}[?by=ATTR&lang=L]`: what can be done, the status by each attribute
    /// (`StatusDocument`, small groups withheld as `status --by` withholds them), downloads, and
    /// the report of `results --format html` (`HTMLReport`), overall or by `by`.
    func overview(_ request: Request, _ survey: Survey, _ session: ConsoleSessions.Session) throws -> Response {
        let by = request.queryItem("by").flatMap { survey.attributes.contains($0) ? $0 : nil }
        let language = request.queryItem("lang").flatMap { survey.languages.contains($0) ? $0 : nil } ?? survey.defaultLanguage
        let id = HTML.escape(survey.id)
        let (statusByAttribute, report) = try pool.with { database in
            (try survey.attributes.map { ($0, try StatusDocument.json(survey, by: $0, database: database)) },
             try ResultsDocument(survey: survey, by: by, language: language, database: database).json())
        }
        var body = "<h1>\(Self.title(survey))</h1>\n"
        body += "<p><code>\(id)</code> · \(survey.access.rawValue)\(survey.anonymous ? " · anonymous" : "") · \(HTML.escape(state(survey))) · languages: \(survey.languages.map(HTML.escape).joined(separator: ", "))</p>\n"

        body += "<h2 id=\"try\">Try it out</h2>\n<ul class=\"links\">\n"
        for lang in survey.languages {
            body += "<li><a href=\"/admin/surveys/\(id)/preview?lang=\(HTML.escape(lang))\">Preview the form (\(HTML.escape(lang)))</a></li>\n"
        }
        if survey.access == .invite {
            for lang in survey.languages {
                body += "<li><a href=\"/admin/surveys/\(id)/mail/invitation?lang=\(HTML.escape(lang))\">The invitation as it will go out (\(HTML.escape(lang)))</a></li>\n"
                body += "<li><a href=\"/admin/surveys/\(id)/mail/reminder?lang=\(HTML.escape(lang))\">The reminder as it will go out (\(HTML.escape(lang)))</a></li>\n"
            }
        }
        body += "</ul>\n"
        if survey.access == .invite {
            body += """
            <form method="post" action="/admin/surveys/\(id)/test-mail">\(ConsolePage.csrfField(session.csrf))
            <label class="field" for="email">Send a test invitation to</label>
            <input type="email" id="email" name="email" autocomplete="email" required aria-describedby="email-help">
            <p class="help" id="email-help">Through the \(HTML.escape(settings.mailDestination)); its link opens the preview. It is counted nowhere.</p>
            <p><button type="submit">Send test invitation</button></p>
            </form>
            <h2 id="mailings">Mailings</h2>
            <ul class="links">
            <li><a href="/admin/surveys/\(id)/invite">Start the invitations…</a> (a confirmation page says how many first)</li>
            <li><a href="/admin/surveys/\(id)/remind">Start a reminder round…</a></li>
            </ul>

            """
        }

        if survey.access == .invite {
            body += "<h2 id=\"status\">Status by attribute</h2>\n"
            if survey.attributes.isEmpty { body += "<p>This survey carries no attributes.</p>\n" }
            for (attribute, document) in statusByAttribute {
                body += statusTable(attribute, document, survey)
            }
        }

        body += "<h2 id=\"downloads\">Downloads</h2>\n<ul class=\"links\">\n"
        let query = by.map { "?by=\(HTML.escape($0))" } ?? ""
        body += "<li><a href=\"/admin/surveys/\(id)/results.csv\(query)\">Results (CSV)</a></li>\n"
        body += "<li><a href=\"/admin/surveys/\(id)/results.json\(query)\">Results (JSON)</a></li>\n"
        body += "<li><a href=\"/admin/surveys/\(id)/results.html\(query)\">Results (HTML report)</a></li>\n"
        body += "<li><a href=\"/admin/surveys/\(id)/responses.csv\">Responses (CSV, one row per response)</a></li>\n</ul>\n"

        body += "<h2 id=\"report\">Results\(by.map { " by " + HTML.escape($0) } ?? "")</h2>\n"
        if !survey.attributes.isEmpty {
            body += "<nav aria-label=\"Breakdown\"><ul class=\"links\">"
            body += "<li>" + (by == nil ? "<strong>Overall</strong>" : "<a href=\"/admin/surveys/\(id)#report\">Overall</a>") + "</li>"
            for attribute in survey.attributes {
                let a = HTML.escape(attribute)
                body += "<li>" + (by == attribute ? "<strong>By \(a)</strong>" : "<a href=\"/admin/surveys/\(id)?by=\(a)#report\">By \(a)</a>") + "</li>"
            }
            body += "</ul></nav>\n"
        }
        body += "<div lang=\"\(HTML.escape(language))\">\n\(Self.reportBody(HTMLReport.render(report, language: language)))</div>\n"
        return ConsolePage(title: survey.title.text(survey.defaultLanguage, default: survey.defaultLanguage), body: body, csrf: session.csrf,
                           extraStyle: HTMLReport.css).response()
    }

    /// The inside of the report's `<main>` without its `<h1>` (the page has its own).
    static func reportBody(_ document: String) -> String {
        guard let start = document.range(of: "<main>\n"), let end = document.range(of: "</main>", options: .backwards) else { return "" }
        var inner = String(document[start.upperBound..<end.lowerBound])
        if let h1 = inner.range(of: "<h1>"), let close = inner.range(of: "</h1>\n", range: h1.upperBound..<inner.endIndex) {
            inner.removeSubrange(h1.lowerBound..<close.upperBound)
        }
        return inner
    }

    /// One attribute's table of the status document: withheld groups say so, never their count.
    func statusTable(_ attribute: String, _ document: JSONValue, _ survey: Survey) -> String {
        let a = HTML.escape(attribute)
        var html = "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"status-\(a)\">\n<table>\n"
        html += "<caption id=\"status-\(a)\">By \(a)</caption>\n<thead><tr><th scope=\"col\">\(a)</th>"
        let columns = Self.dashboardColumns
        for column in columns { html += "<th scope=\"col\">\(column.1)</th>" }
        html += "</tr></thead>\n<tbody>\n"
        let groups = document["groups"]?.array ?? []
        if groups.isEmpty { html += "<tr><td colspan=\"\(columns.count + 1)\">No participants yet.</td></tr>\n" }
        for group in groups {
            let suppressed = group["suppressed"] == .bool(true)
            let value: String
            if case .string(let text)? = group["value"] { value = HTML.escape(text) } else { value = "(empty)" }
            html += "<tr><th scope=\"row\">\(value)</th>"
            for (key, _) in columns {
                if suppressed && (key == "answered" || key == "response_rate") {
                    html += "<td class=\"n\">fewer than \(survey.minGroupSize), withheld</td>"
                } else {
                    html += "<td class=\"n\">\(Self.cell(group, key))</td>"
                }
            }
            html += "</tr>\n"
        }
        html += "</tbody>\n</table>\n</div>\n"
        return html
    }

    /// `GET /admin/surveys/{id}/results.json|results.csv|results.html|responses.csv`: what the
    /// API serves under `/api/surveys/{id}/…`, through the session.
    func download(_ request: Request, _ survey: Survey, _ format: AdminAPI.Format) throws -> Response {
        let by = request.queryItem("by")
        if let by, !survey.attributes.contains(by) {
            return ConsolePage.message(400, "No such attribute", "„\(HTML.escape(by))“ is not an attribute of this survey.", csrf: nil)
        }
        return try api.results(survey, by: by, request, format)
    }
}
