import Crypto
import Foundation
import HTTP
import JSON
import Mail
import Results
import Store
import Survey

/// The organizers' API under `/api/`: `Authorization: Bearer $MITREDEN_ADMIN_TOKEN`, compared
/// in constant time. `401` with `WWW-Authenticate` without a valid token; errors as problem
/// documents. Without a configured token the API is off (every path `404`).
///
/// - `GET /api/surveys`: the surveys with their responses.
/// - `GET /api/surveys/{id}/status[?by=ATTR]`: mail and response counts.
/// - `GET /api/surveys/{id}/results[?by=ATTR|source&lang=LANG&compare=EARLIER]`: the results document (or the
///   comparison with an earlier wave); `results.csv`
///   (also `&separator=;`) and `results.html` render it; `responses.csv` is the export.
public struct AdminAPI: Sendable {
    let token: [UInt8]?
    let pool: DatabasePool
    let surveys: @Sendable () -> [String: Survey]
    /// The envelope senders of our mail, to find the delivery a returned message is about.
    let bounceAddress: BounceAddress?

    /// `token`: the admin token's bytes (nil: the API is off).
    public init(token: [UInt8]?, pool: DatabasePool, surveys: @escaping @Sendable () -> [String: Survey], bounceAddress: BounceAddress?) {
        self.token = token
        self.pool = pool
        self.surveys = surveys
        self.bounceAddress = bounceAddress
    }

    /// Every route may read or write much (a report, a bounce), so none runs on an event loop.
    func add(to router: inout Router) {
        router.add(["POST"], "/hooks/bounces", blocking: true) { request, _ in guarded(request) { try bounce(request) } }
        router.add(["GET"], "/api/surveys", blocking: true) { request, _ in guarded(request) { list() } }
        router.add(["GET"], "/api/surveys/:id/status", blocking: true) { request, p in guarded(request) { try withSurvey(p["id"]!, request, status) } }
        for (name, format) in [("results", Format.json), ("results.csv", .csv), ("results.html", .html), ("responses.csv", .export)] {
            router.add(["GET"], "/api/surveys/:id/" + name, blocking: true) { request, p in
                guarded(request) { try withSurvey(p["id"]!, request, bySource: true) { survey, by in try results(survey, by: by, request, format) } }
            }
        }
    }

    /// What `results` serves: the results document as JSON, CSV or HTML, or the responses export.
    public enum Format: Sendable { case json, csv, html, export }

    /// Runs `body` for a request with the right bearer token; 401 or 404 otherwise.
    func guarded(_ request: Request, _ body: () throws -> Response) -> Response {
        guard let token else {
            return Problem(status: 404, title: "Not Found", detail: "the organizers' API is off; set MITREDEN_ADMIN_TOKEN to turn it on").response
        }
        let given = request.header("authorization").flatMap { value -> String? in
            let parts = value.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
            return String(parts[1]).trimmingSpaces()
        }
        guard let given, HMAC.constantTimeEqual(Array(given.utf8), token) else {
            var response = Problem(status: 401, title: "Unauthorized",
                                   detail: given == nil ? "send the admin token as 'Authorization: Bearer TOKEN'" : "the token is not valid").response
            response.headers.append(("WWW-Authenticate", given == nil ? "Bearer realm=\"mitreden\"" : "Bearer realm=\"mitreden\", error=\"invalid_token\""))
            return response
        }
        do {
            return try body()
        } catch {
            return Problem(status: 503, title: "Service Unavailable", detail: "the database does not answer; try again in a moment").response
        }
    }

    /// `bySource`: `?by=source` (how the answers came in) is taken too (the results, not the status).
    func withSurvey(_ id: String, _ request: Request, bySource: Bool = false, _ body: (Survey, String?) throws -> Response) throws -> Response {
        guard let survey = surveys()[id] else {
            return Problem(status: 404, title: "Not Found", detail: "there is no survey '\(id)'").response
        }
        let by = request.queryItem("by")
        if let by, !survey.attributes.contains(by), !(bySource && by == ResultsTally.source) {
            return Problem(status: 400, title: "Bad Request",
                           detail: "'\(by)' is not an attribute of \(survey.id) (attributes: \(survey.attributes.isEmpty ? "none" : survey.attributes.joined(separator: ", ")))").response
        }
        return try body(survey, by)
    }

    func list() -> Response {
        let items = surveys().values.sorted { $0.id < $1.id }.map { s -> JSONValue in
            .object([("id", .string(s.id)), ("title", .string(s.title.text(s.defaultLanguage, default: s.defaultLanguage))),
                     ("access", .string(s.access.rawValue)), ("anonymous", .bool(s.anonymous)), ("languages", .array(s.languages.map(JSONValue.string))),
                     ("opens", s.opens.map { .string($0.text) } ?? .null), ("closes", s.closes.map { .string($0.text) } ?? .null),
                     ("open_now", .bool(s.isOpen(at: Date()))), ("attributes", .array(s.attributes.map(JSONValue.string))),
                     ("questions", .int(s.questions.count))])
        }
        return json(.object([("surveys", .array(items))]))
    }

    func status(_ survey: Survey, by: String?) throws -> Response {
        json(try pool.with { try StatusDocument.json(survey, by: by, database: $0) })
    }

    /// The results of `survey` (`?lang=`, `?separator=`) in `format`, as the API serves them; the console serves them too.
    public func results(_ survey: Survey, by: String?, _ request: Request, _ format: Format) throws -> Response {
        let language = request.queryItem("lang") ?? survey.defaultLanguage
        guard survey.languages.contains(language) else {
            return Problem(status: 400, title: "Bad Request", detail: "\(survey.id) has no language '\(language)' (languages: \(survey.languages.joined(separator: ", ")))").response
        }
        let separator: Character = request.queryItem("separator") == ";" ? ";" : ","
        let file = "\(survey.id)-\(format == .export ? "responses" : "results")"
        if let earlier = request.queryItem("compare"), format != .export {
            return try comparison(survey, earlier, by: by, language: language, separator: separator, format)
        }
        switch format {
        case .export:
            let csv = try pool.with { try Export(survey: survey, language: language).csv($0, separator: separator) }
            return attachment(csv, type: "text/csv; charset=utf-8", name: file + ".csv")
        case .json, .csv, .html:
            let document = try pool.with { try ResultsDocument(survey: survey, by: by, language: language, database: $0).json() }
            switch format {
            case .csv: return attachment(CSVReport.render(document, separator: separator), type: "text/csv; charset=utf-8", name: file + ".csv")
            case .html: return Response(status: 200, contentType: "text/html; charset=utf-8", body: HTMLReport.render(document, language: language),
                                        headers: [("Cache-Control", "no-store")])
            default: return json(document)
            }
        }
    }

    /// `POST /hooks/bounces`: a returned message (`message/rfc822` or `multipart/report`) from
    /// the relay, recorded as `mitreden bounce` records it. 200 with what it came to; 400 when
    /// the body is no mail message.
    func bounce(_ request: Request) throws -> Response {
        guard let bounceAddress else { return Problem(status: 404, title: "Not Found", detail: "bounces are not taken here").response }
        do {
            let intake = try pool.with { try BounceReport.take(request.body, recipient: request.header("x-original-to"), address: bounceAddress, database: $0) }
            switch intake {
            case .recorded(let survey, let hard, let status):
                return json(.object([("recorded", .bool(true)), ("survey", .string(survey)), ("bounce", .string(hard ? "hard" : "soft")), ("status", .string(status))]))
            case .ignored(let why):
                return json(.object([("recorded", .bool(false)), ("reason", .string(why))]))
            }
        } catch let error as BounceReport.NotAMessage {
            return Problem(status: 400, title: "Bad Request", detail: "the body is not a mail message (\(error.description)); post the returned message itself").response
        }
    }

    func json(_ value: JSONValue) -> Response {
        Response(status: 200, contentType: "application/json", body: value.serialized() + "\n", headers: [("Cache-Control", "no-store")])
    }

    func attachment(_ text: String, type: String, name: String) -> Response {
        Response(status: 200, contentType: type, body: text,
                 headers: [("Content-Disposition", "attachment; filename=\"\(name)\""), ("Cache-Control", "no-store")])
    }
}
