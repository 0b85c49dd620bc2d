import Foundation
import HTTP
import JSON
import Results
import Store
import Survey
import Web

extension OrganizersConsole {
    /// `GET /admin/surveys/{id}[?by=ATTR&compare=EARLIER&lang=L]`: what can be done, the status by
    /// each attribute (`StatusDocument`, small groups withheld as `status --by` withholds them),
    /// downloads, and the report of `results --format html` (`HTMLReport`), overall or by `by`,
    /// or with `compare` that of `results --compare` (`Comparison`, `ComparisonReport`). The
    /// report is kept (`ReportCache`) while the numbers it is made from stay the same.
    func overview(_ request: Request, _ survey: Survey, _ session: ConsoleSessions.Session) throws -> Response {
        let by = request.queryItem("by").flatMap { survey.attributes.contains($0) ? $0 : nil }
        let language = request.queryItem("lang").flatMap { survey.languages.contains($0) ? $0 : nil } ?? survey.defaultLanguage
        let compare = request.queryItem("compare").flatMap { $0.isEmpty ? nil : $0 }
        if let compare, let refused = comparisonRefused(survey, compare, by: by, session) { return refused }
        let earlier = compare.flatMap { surveys()[$0] }
        let id = HTML.escape(survey.id)
        let (statusByAttribute, report) = try pool.with { database in
            let statuses = try StatusDocument.byEach(survey, attributes: survey.attributes, database: database)
            // The status by attribute holds every group's numbers, so the overall status adds nothing to the key.
            let overall = statuses.isEmpty ? [try StatusDocument.json(survey, by: nil, database: database)] : []
            var state = try ReportCache.state(survey, statuses: statuses.map(\.1) + overall, database: database)
            if let earlier { state += try ReportCache.state(earlier, statuses: [try StatusDocument.json(earlier, by: by, database: database)], database: database) }
            let key = ReportCache.Key(survey: survey.id, by: by, language: language, compare: earlier?.id, state: state)
            let report = try reports.report(key) {
                try earlier.map { ComparisonReport.html(try Comparison.json(survey, with: $0, by: by, language: language, database: database), language: language) }
                    ?? HTMLReport.render(try ResultsDocument(survey: survey, by: by, language: language, database: database).json(), language: language,
                                         textLimit: Self.textsShown)
            }
            return (statuses, report)
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

        body += downloads(survey, by: by, compare: earlier?.id)
        body += "<h2 id=\"report\">\(earlier.map { "Change since " + HTML.escape($0.id) } ?? "Results")\(by.map { " by " + HTML.escape($0) } ?? "")</h2>\n"
        body += reportChoices(survey, by: by, compare: earlier?.id)
        let embedded = Self.embedded(report)
        body += "<div lang=\"\(HTML.escape(language))\">\n\(embedded.body)</div>\n"
        return ConsolePage(title: survey.title.text(survey.defaultLanguage, default: survey.defaultLanguage), body: body, csrf: session.csrf,
                           extraStyle: embedded.style).response()
    }

    /// The query of the survey page for a breakdown and a comparison (`?by=…&compare=…`, or "").
    /// Free texts listed per question on the survey page (all of them are in the downloaded
    /// report): at a million answers the page would otherwise be many megabytes.
    static let textsShown = 100

    static func query(by: String?, compare: String?) -> String {
        let items = [by.map { "by=" + HTML.escape($0) }, compare.map { "compare=" + HTML.escape($0) }].compactMap { $0 }
        return items.isEmpty ? "" : "?" + items.joined(separator: "&amp;")
    }

    /// The survey page's downloads: the results as shown (breakdown, comparison), the raw
    /// responses with their codebook, and the print documents of this kind of survey.
    func downloads(_ survey: Survey, by: String?, compare: String?) -> String {
        let id = HTML.escape(survey.id)
        let query = Self.query(by: by, compare: compare)
        let shown = compare.map { "compared with " + HTML.escape($0) } ?? "overall"
        var html = "<h2 id=\"downloads\">Downloads</h2>\n<ul class=\"links\">\n"
        html += "<li><a href=\"/admin/surveys/\(id)/results.csv\(query)\">Results \(shown)\(by.map { " by " + HTML.escape($0) } ?? "") (CSV)</a></li>\n"
        html += "<li><a href=\"/admin/surveys/\(id)/results.json\(query)\">Results \(shown)\(by.map { " by " + HTML.escape($0) } ?? "") (JSON)</a></li>\n"
        html += "<li><a href=\"/admin/surveys/\(id)/results.html\(query)\">Results \(shown)\(by.map { " by " + HTML.escape($0) } ?? "") (HTML report)</a></li>\n"
        html += "<li><a href=\"/admin/surveys/\(id)/responses.csv\">Responses (CSV, one row per response)</a> and its <a href=\"/admin/surveys/\(id)/codebook.csv\">codebook (CSV)</a>; "
        html += "for German spreadsheets: <a href=\"/admin/surveys/\(id)/responses.csv?separator=%3B\">responses with ;</a>, <a href=\"/admin/surveys/\(id)/codebook.csv?separator=%3B\">codebook with ;</a></li>\n"
        html += "</ul>\n<h2 id=\"print\">Print</h2>\n<ul class=\"links\">\n"
        for lang in survey.languages {
            html += "<li><a href=\"/admin/surveys/\(id)/questionnaire.html?lang=\(HTML.escape(lang))\">Paper questionnaire (\(HTML.escape(lang)))</a></li>\n"
        }
        if survey.access == .open {
            html += "<li><a href=\"/admin/surveys/\(id)/poster.html\">Poster with the QR code of the survey's link</a></li>\n"
        } else {
            html += "<li><a href=\"/admin/surveys/\(id)/letters\">Letters for participants without email…</a> (a confirmation page says how many first)</li>\n"
            html += "<li><a href=\"/admin/surveys/\(id)/letters?layout=cards\">Code cards…</a></li>\n"
        }
        return html + "</ul>\n"
    }

    /// The breakdowns offered beside the report, and a form to compare with an earlier wave.
    func reportChoices(_ survey: Survey, by: String?, compare: String?) -> String {
        let id = HTML.escape(survey.id)
        var html = ""
        if !survey.attributes.isEmpty {
            html += "<nav aria-label=\"Breakdown\"><ul class=\"links\">"
            html += "<li>" + (by == nil ? "<strong>Overall</strong>" : "<a href=\"/admin/surveys/\(id)\(Self.query(by: nil, compare: compare))#report\">Overall</a>") + "</li>"
            for attribute in survey.attributes {
                let a = HTML.escape(attribute)
                html += "<li>" + (by == attribute ? "<strong>By \(a)</strong>" : "<a href=\"/admin/surveys/\(id)\(Self.query(by: attribute, compare: compare))#report\">By \(a)</a>") + "</li>"
            }
            html += "</ul></nav>\n"
        }
        let others = surveys().values.filter { $0.id != survey.id }.sorted { $0.id < $1.id }
        guard !others.isEmpty else { return html }
        html += "<form method=\"get\" action=\"/admin/surveys/\(id)#report\" class=\"actions\">\n"
        if let by { html += "<input type=\"hidden\" name=\"by\" value=\"\(HTML.escape(by))\">\n" }
        html += "<label for=\"compare\">Compare with an earlier wave</label>\n<select id=\"compare\" name=\"compare\">\n<option value=\"\">(no comparison)</option>\n"
        for other in others {
            let o = HTML.escape(other.id)
            html += "<option value=\"\(o)\"\(other.id == compare ? " selected" : "")>\(o)</option>\n"
        }
        html += "</select>\n<button type=\"submit\">Show</button>\n</form>\n"
        return html
    }

    /// The parts of a report of `results --format html` (also `--compare`) a console page takes
    /// in: its style, and the inside of its `<main>` without its `<h1>` (the page has its own).
    static func embedded(_ document: String) -> (style: String, body: String) {
        var style = ""
        if let open = document.range(of: "<style>"), let close = document.range(of: "</style>", range: open.upperBound..<document.endIndex) {
            style = String(document[open.upperBound..<close.lowerBound])
        }
        guard let start = document.range(of: "<main>\n"), let end = document.range(of: "</main>", options: .backwards) else { return (style, "") }
        var inner = String(document[start.upperBound..<end.lowerBound])
        if let h1 = inner.range(of: "<h1>"), let close = inner.range(of: "</h1>\n", range: h1.upperBound..<inner.endIndex) {
            inner.removeSubrange(h1.lowerBound..<close.upperBound)
        }
        return (style, inner)
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
}
