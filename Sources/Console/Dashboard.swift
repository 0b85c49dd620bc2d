import Foundation
import HTTP
import JSON
import Results
import Store
import Survey

extension OrganizersConsole {
    /// `GET /admin`: every survey with its state and the numbers of `mitreden status`
    /// (`StatusDocument`), and the survey files that failed the last load with their errors.
    func dashboard(_ session: ConsoleSessions.Session) throws -> Response {
        let all = surveys().values.sorted { $0.id < $1.id }
        let (documents, responses) = try pool.with { database in
            (try all.map { try StatusDocument.json($0, by: nil, database: database) },
             Dictionary(try database.metrics().responses.map { ($0.survey, $0.count) }, uniquingKeysWith: { a, _ in a }))
        }
        var body = "<h1>Surveys</h1>\n"
        let errors = settings.loadErrors()
        if !errors.isEmpty {
            let files = Set(errors.map { $0.split(separator: ":").first.map(String.init) ?? $0 })
            body += "<section class=\"problem\" aria-labelledby=\"broken\">\n<h2 id=\"broken\">\(files.count == 1 ? "1 survey file has" : "\(files.count) survey files have") errors</h2>\n"
            body += "<p>These files were left out at the last load (a survey that ran before keeps its running version). Fix them: the daemon reads the survey files again within a few seconds of a change.</p>\n<ul>\n"
            for error in errors { body += "<li><code>\(HTML.escape(error))</code></li>\n" }
            body += "</ul>\n</section>\n"
        }
        body += "<p>Numbers as <code>mitreden status</code> counts them. Open a survey for its numbers by attribute, its results, previews and mailings.</p>\n"
        body += "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"surveys-caption\">\n<table>\n"
        body += "<caption id=\"surveys-caption\">\(all.count == 1 ? "1 survey" : "\(all.count) surveys") loaded</caption>\n"
        body += "<thead><tr><th scope=\"col\">Survey</th><th scope=\"col\">Access</th><th scope=\"col\">State</th>"
        for column in Self.dashboardColumns { body += "<th scope=\"col\">\(column.1)</th>" }
        body += "</tr></thead>\n<tbody>\n"
        for (survey, document) in zip(all, documents) {
            body += "<tr><th scope=\"row\"><a href=\"/admin/surveys/\(HTML.escape(survey.id))\">\(Self.title(survey))</a><br><small>\(HTML.escape(survey.id))</small></th>"
            body += "<td>\(survey.access.rawValue)</td><td>\(HTML.escape(state(survey)))</td>"
            for (key, _) in Self.dashboardColumns {
                if survey.access == .open {
                    body += "<td class=\"n\">\(key == "answered" ? String(responses[survey.id] ?? 0) : "–")</td>"
                } else {
                    body += "<td class=\"n\">\(Self.cell(document, key))</td>"
                }
            }
            body += "</tr>\n"
        }
        body += "</tbody>\n</table>\n</div>\n"
        body += "<p><small>Open surveys have no participants: their answered count is the number of responses. “Invited (letter)” counts printed letters and code cards; the response rate is over both kinds of invitation. “Mail queued” counts invitations not yet delivered (waiting or retrying).</small></p>\n"
        body += """
        <form method="post" action="/admin/reload" class="actions">\(ConsolePage.csrfField(session.csrf))
        <button type="submit">Load the survey files again</button>
        </form>

        """
        return ConsolePage(title: "Surveys", body: body, csrf: session.csrf).response()
    }

    /// The dashboard's number columns: the status document's keys and their headings.
    static let dashboardColumns: [(String, String)] = [
        ("participants", "Participants"), ("invited", "Invited (mail)"), ("invited_by_letter", "Invited (letter)"),
        ("delivered", "Delivered"), ("failed", "Failed"), ("answered", "Answered"), ("response_rate", "Response rate"),
        ("deferred", "Mail queued"),
    ]

    /// One number of a status document as shown: counts as they are, the rate in percent with
    /// one decimal, a withheld or missing value as “–”.
    static func cell(_ document: JSONValue, _ key: String) -> String {
        switch document[key] {
        case .int(let n)?: return String(n)
        case .double(let rate)?: return String(format: "%.1f %%", rate * 100)
        default: return "–"
        }
    }
}
