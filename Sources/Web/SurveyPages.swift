import Foundation
import HTTP
import Mail
import Store
import Survey

/// `GET/POST /t/{token}` (invite surveys) and `GET/POST /s/{survey}` (open surveys): the form,
/// its checks, the durable store, the thank-you page and the pages for links that cannot be
/// answered (unknown 404, before or after the survey's window 403, already answered 409).
struct SurveyPages {
    let pool: DatabasePool
    let blankForms = BlankForms()
    let carriedAnswers: CarriedAnswers
    let writer: ResponseWriter
    let surveys: @Sendable () -> [String: Survey]
    let frame: PageFrame
    let now: @Sendable () -> Date

    func language(_ request: Request, _ survey: Survey, preferred: String?) -> String {
        request.queryItem("lang").flatMap { survey.languages.contains($0) ? $0 : nil }
            ?? preferred.flatMap { survey.languages.contains($0) ? $0 : nil } ?? survey.defaultLanguage
    }

    /// `extra`: escaped HTML after the text (a link to the published results).
    func message(_ status: Int, _ language: String, _ title: String, _ text: String, extra: String = "") -> Response {
        Page(frame: frame, language: language, title: title, body: "<h1>\(title)</h1>\n<p>\(text)</p>\(extra)", status: status).response()
    }

    func unknown(_ request: Request) -> Response {
        let language = request.queryItem("lang") == "en" ? "en" : "de"
        return message(404, language, UIText.html("unknown.title", language), UIText.html("unknown.text", language))
    }

    /// 403 before the survey opens or after it closes, nil while it is open.
    func outsideWindow(_ survey: Survey, _ language: String) -> Response? {
        let date = now()
        guard !survey.isOpen(at: date) else { return nil }
        let title = survey.title.text(language, default: survey.defaultLanguage)
        if let opens = survey.opens, date < opens.instant {
            return message(403, language, UIText.html("notyet.title", language), UIText.html("notyet.text", language, title, survey.timestamp(opens.instant).prefix(16).replacingOccurrences(of: "T", with: " ")))
        }
        return message(403, language, UIText.html("closed.title", language), UIText.html("closed.text", language, title),
                       extra: PublicResults.link(survey, language: language, at: date))
    }

    static let unavailable = Response.text(503, "the database does not answer; your answers were not saved, please send them again in a minute")

    /// The personal link of an invite survey.
    func invited(_ request: Request, token: String, post: Bool) -> Reply {
        do {
            guard Token.isWellFormed(Substring(token)), let holder = try pool.with({ try $0.linkHolder(token: token) }),
                  let survey = surveys()[holder.surveyID], survey.access == .invite else { return .now(unknown(request)) }
            let language = language(request, survey, preferred: holder.language)
            if let closed = outsideWindow(survey, language) { return .now(closed) }
            if holder.answered { return .now(message(409, language, UIText.html("done.title", language), UIText.html("done.text", language))) }
            return form(request, survey: survey, language: language, token: token, action: "/t/\(token)?lang=\(language)", post: post)
        } catch {
            return .now(Self.unavailable)
        }
    }

    /// The public link of an open survey.
    func open(_ request: Request, surveyID: String, post: Bool) -> Reply {
        guard let survey = surveys()[surveyID], survey.access == .open else { return .now(unknown(request)) }
        let language = language(request, survey, preferred: nil)
        if let closed = outsideWindow(survey, language) { return .now(closed) }
        return form(request, survey: survey, language: language, token: nil, action: "/s/\(survey.id)?lang=\(language)", post: post)
    }

    func form(_ request: Request, survey: Survey, language: String, token: String?, action: String, post: Bool) -> Reply {
        if survey.isPaged { return pagedForm(request, survey: survey, language: language, token: token, action: action, post: post) }
        guard post else {
            return .now(blankForms.page(survey, language: language, action: action, shared: token == nil, frame: frame))
        }
        guard Self.isFormEncoded(request.header("content-type")) else {
            return .now(.text(415, "send the form as application/x-www-form-urlencoded"))
        }
        let fields = FormData.decode(request.body)
        let checked = survey.checkForm(fields, language: language)
        guard checked.errors.isEmpty else {
            let form = SurveyForm(survey: survey, language: language, action: action, fields: fields, errors: checked.errors)
            let title = survey.title.text(language, default: survey.defaultLanguage)
            return .now(Page(frame: frame, language: language, title: title, body: form.html, status: 422).response())
        }
        return store(request, survey: survey, language: language, token: token, checked: checked)
    }

    /// Stores checked answers (the group commit answers once they are on disk): `303` to the
    /// thank-you page, or the page for a link that has answered or is unknown.
    func store(_ request: Request, survey: Survey, language: String, token: String?, checked: CheckedAnswers) -> Reply {
        let new = NewResponse(surveyID: survey.id, token: token, anonymous: survey.anonymous, carried: survey.attributes,
                              answers: checked.json(in: survey), source: "form", minGroupSize: survey.minGroupSize)
        // Made here, on the request's thread: the writer thread, which every answer waits for,
        // only picks the response (and the closure holds no copy of the survey).
        let thanks = Response(status: 303, headers: Page.securityHeaders + [("Location", "/thanks/\(survey.id)?lang=\(language)")],
                              body: Array("see /thanks/\(survey.id)\n".utf8))
        let pages = self
        return .store(new, then: { outcome in
            switch outcome {
            case .stored, .replay:   // forms carry no webhook-id, so no replay reaches here
                return thanks
            case .alreadyAnswered:
                return pages.message(409, language, UIText.html("done.title", language), UIText.html("done.text", language))
            case .unknownToken:
                return pages.unknown(request)
            }
        }, failed: Self.unavailable)
    }

    /// Whether a Content-Type is `application/x-www-form-urlencoded` (in any case, with any parameters).
    static func isFormEncoded(_ contentType: String?) -> Bool {
        guard var given = contentType else { return false }
        return given.withUTF8 { bytes in
            bytes.count >= formEncoded.count
                && formEncoded.indices.allSatisfy { (bytes[$0] >= 0x41 && bytes[$0] <= 0x5A ? bytes[$0] | 0x20 : bytes[$0]) == formEncoded[$0] }
        }
    }
    private static let formEncoded = Array("application/x-www-form-urlencoded".utf8)

    func thanks(_ request: Request, surveyID: String) -> Response {
        guard let survey = surveys()[surveyID] else { return unknown(request) }
        let language = language(request, survey, preferred: nil)
        return message(200, language, UIText.html("thanks.title", language), UIText.html("thanks.text", language),
                       extra: PublicResults.link(survey, language: language, at: now()))
    }
}

/// The empty form page of a survey in a language is the same for every visitor but for its
/// action URL: rendered once per survey version and language, and kept as the bytes of the
/// whole response body in two halves around the action. An open survey's action is the same
/// for everyone, so its last whole body is kept too and answered without a copy.
final class BlankForms: @unchecked Sendable {
    private let lock = NSLock()
    private struct Key: Hashable { let survey: String; let language: String; let fingerprint: UInt64 }
    private struct Form {
        let before: [UInt8], after: [UInt8], headers: [(String, String)]
        var whole: (action: String, body: [UInt8])?
    }
    private var forms: [Key: Form] = [:]
    private static let marker = "\u{1}action\u{1}"

    /// `shared`: the action is the same for every visitor (an open survey's), not a personal link.
    func page(_ survey: Survey, language: String, action: String, shared: Bool, frame: PageFrame) -> Response {
        let key = Key(survey: survey.id, language: language, fingerprint: survey.fingerprint)
        let halves = lock.withLock {
            if let cached = forms[key] { return cached }
            let title = SurveyPages.title(survey, language, page: 0)
            let paging = survey.isPaged ? SurveyPages.paging(survey, language: language, page: 0, fields: [], carry: nil, personal: !shared) : nil
            let html = SurveyForm(survey: survey, language: language, action: Self.marker, paging: paging).html
            let page = Page(frame: frame, language: language, title: title, body: html).response()
            let body = page.body
            let mark = Array(HTML.escape(Self.marker).utf8)
            let at = (0...(body.count - mark.count)).first { body[$0..<($0 + mark.count)].elementsEqual(mark) }!
            let halves = Form(before: Array(body[..<at]), after: Array(body[(at + mark.count)...]), headers: page.headers)
            if forms.count > 256 { forms.removeAll() }
            forms[key] = halves
            return halves
        }
        if let whole = halves.whole, whole.action == action { return Response(status: 200, headers: halves.headers, body: whole.body) }
        var body = halves.before
        body.reserveCapacity(halves.before.count + halves.after.count + 128)
        body.append(contentsOf: HTML.escape(action).utf8)
        body.append(contentsOf: halves.after)
        if shared { lock.withLock { forms[key]?.whole = (action, body) } }
        return Response(status: 200, headers: halves.headers, body: body)
    }
}
