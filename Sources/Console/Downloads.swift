import Foundation
import HTTP
import Print
import Results
import Store
import Survey
import Web

extension OrganizersConsole {
    /// A file the survey page offers, at `/admin/surveys/{id}/NAME`: each made by the function
    /// the command or the API uses for it, sent as an attachment that is never cached.
    enum Download: String, CaseIterable {
        case resultsCSV = "results.csv", resultsJSON = "results.json", resultsHTML = "results.html"
        case responses = "responses.csv", codebook = "codebook.csv"
        case questionnaire = "questionnaire.html", poster = "poster.html"

        /// Whether `?by=` and `?compare=` apply (the results, not the raw rows or print).
        var isResults: Bool { self == .resultsCSV || self == .resultsJSON || self == .resultsHTML }
    }

    /// `GET /admin/surveys/{id}/{download}[?by=ATTR&compare=EARLIER&lang=L&separator=;]`: what
    /// the API serves under `/api/surveys/{id}/…` (results, comparison, responses), the codebook
    /// of `export --codebook`, the paper questionnaire of `print` and the poster of `poster`.
    /// A wrong parameter is a page that says what is wrong, not a file.
    func download(_ request: Request, _ survey: Survey, _ file: Download, _ session: ConsoleSessions.Session) throws -> Response {
        let by = request.queryItem("by")
        if let by, !survey.attributes.contains(by) {
            return ConsolePage.message(400, "No such attribute", "„\(HTML.escape(by))“ is not an attribute of this survey. Use a link of the survey page.", csrf: session.csrf)
        }
        let language = request.queryItem("lang") ?? survey.defaultLanguage
        guard survey.languages.contains(language) else {
            return ConsolePage.message(400, "No such language", "This survey has no language „\(HTML.escape(language))“ (it has \(survey.languages.map(HTML.escape).joined(separator: ", "))).", csrf: session.csrf)
        }
        var name = "\(survey.id)-\(file.rawValue)"
        if file.isResults, let compare = request.queryItem("compare") {
            if let refused = comparisonRefused(survey, compare, by: by, session) { return refused }
            name = "\(survey.id)-compared-with-\(compare)" + (by.map { "-by-\($0)" } ?? "") + "." + (file.rawValue.split(separator: ".").last ?? "")
        } else if file.isResults, let by {
            name = "\(survey.id)-results-by-\(by)." + (file.rawValue.split(separator: ".").last ?? "")
        }
        let separator: Character = request.queryItem("separator") == ";" ? ";" : ","
        let response: Response
        switch file {
        case .resultsCSV: response = try api.results(survey, by: by, request, .csv)
        case .resultsJSON: response = try api.results(survey, by: by, request, .json)
        case .resultsHTML: response = try api.results(survey, by: by, request, .html)
        case .responses: response = try api.results(survey, by: nil, request, .export)
        case .codebook:
            response = Response(status: 200, contentType: "text/csv; charset=utf-8", body: Export(survey: survey, language: language).codebook(separator: separator))
        case .questionnaire:
            response = Response(status: 200, contentType: "text/html; charset=utf-8", body: Questionnaire(survey: survey, language: language).document().html)
        case .poster:
            guard survey.access == .open else {
                return ConsolePage.message(404, "No poster", "„\(HTML.escape(survey.id))“ is an invite survey: each person has a personal link, and a poster would let anyone answer. Print letters or code cards instead.", csrf: session.csrf)
            }
            do {
                response = Response(status: 200, contentType: "text/html; charset=utf-8", body: try Poster(survey: survey, baseURL: settings.baseURL).document().html)
            } catch {
                return ConsolePage.message(422, "No poster", "The QR code cannot be made (\(HTML.escape("\(error)"))); the link begins with MITREDEN_BASE_URL, which must be shorter.", csrf: session.csrf)
            }
        }
        return Self.attachment(response, name: name)
    }

    /// A page that says why `compare` cannot be compared with `survey` (by `by`), or nil.
    func comparisonRefused(_ survey: Survey, _ compare: String, by: String?, _ session: ConsoleSessions.Session) -> Response? {
        guard let earlier = surveys()[compare], earlier.id != survey.id else {
            return ConsolePage.message(404, "No such survey", "There is no other survey „\(HTML.escape(compare))“ loaded to compare with. Pick one on the survey page.", csrf: session.csrf)
        }
        if let by, !ResultsTally.canBreakDown(earlier, by: by) {
            return ConsolePage.message(400, "Cannot compare by \(HTML.escape(by))", "The earlier wave „\(HTML.escape(earlier.id))“ carries no attribute „\(HTML.escape(by))“. Compare overall, or by an attribute both waves have.", csrf: session.csrf)
        }
        return nil
    }

    /// `response` as a download named `name` (a successful one; errors stay pages).
    static func attachment(_ response: Response, name: String) -> Response {
        guard response.status == 200 else { return response }
        var file = response
        file.headers = file.headers.filter { $0.0.lowercased() != "content-disposition" } + [("Content-Disposition", "attachment; filename=\"\(name)\"")]
        return file
    }
}
