import HTTP
import JSON
import Results
import Survey

extension AdminAPI {
    /// `?compare=EARLIER` on the results: the change since the earlier wave, as JSON, CSV or HTML.
    func comparison(_ survey: Survey, _ earlierID: String, by: String?, language: String, separator: Character, _ format: Format) throws -> Response {
        guard let earlier = surveys()[earlierID] else {
            return Problem(status: 404, title: "Not Found", detail: "there is no survey '\(earlierID)' to compare with").response
        }
        if let by, !ResultsTally.canBreakDown(earlier, by: by) {
            return Problem(status: 400, title: "Bad Request", detail: "the earlier wave \(earlier.id) carries no attribute '\(by)'").response
        }
        let document = try pool.with { try Comparison.json(survey, with: earlier, by: by, language: language, database: $0) }
        let file = "\(survey.id)-compared-with-\(earlier.id)"
        switch format {
        case .csv: return attachment(ComparisonReport.csv(document, separator: separator), type: "text/csv; charset=utf-8", name: file + ".csv")
        case .html: return Response(status: 200, contentType: "text/html; charset=utf-8", body: ComparisonReport.html(document, language: language),
                                    headers: [("Cache-Control", "no-store")])
        default: return json(document)
        }
    }
}
