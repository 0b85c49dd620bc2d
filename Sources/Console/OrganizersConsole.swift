import Foundation
import HTTP
import Mail
import Store
import Survey
import Web

/// How the console reaches what the daemon has: its settings, the survey files' last load, and
/// the mail set-up (the same sender, relay or outbox as the mail queue).
public struct ConsoleSettings: Sendable {
    /// `MITREDEN_ADMIN_TOKEN`: what signs in.
    public var adminToken: String
    /// `MITREDEN_BASE_URL`: the origin every `POST` must come from, https for `Secure` cookies, links in mail.
    public var baseURL: String
    public var templatesDirectory: String
    /// The sender of mail (`MITREDEN_SMTP_FROM`, or the daemon's default).
    public var from: MailAddress
    /// `MITREDEN_BOUNCE_ADDRESS`.
    public var bounceAddress: String?
    /// Where mail goes, in words ("outbox folder data/outbox").
    public var mailDestination: String
    /// A new connection to the relay, or the outbox writer.
    public var makeTransport: @Sendable () -> any MailTransport
    /// The errors of the survey files at their last load (`file:line:column: error: …`).
    public var loadErrors: @Sendable () -> [String]
    /// Reads the survey files again (as SIGHUP does).
    public var reloadSurveys: @Sendable () -> Void
    /// One log line: an event and its `key=value` fields.
    public var log: @Sendable (String, [(String, String)]) -> Void

    public init(adminToken: String, baseURL: String, templatesDirectory: String, from: MailAddress, bounceAddress: String?,
                mailDestination: String, makeTransport: @escaping @Sendable () -> any MailTransport,
                loadErrors: @escaping @Sendable () -> [String], reloadSurveys: @escaping @Sendable () -> Void,
                log: @escaping @Sendable (String, [(String, String)]) -> Void) {
        self.adminToken = adminToken
        self.baseURL = baseURL
        self.templatesDirectory = templatesDirectory
        self.from = from
        self.bounceAddress = bounceAddress
        self.mailDestination = mailDestination
        self.makeTransport = makeTransport
        self.loadErrors = loadErrors
        self.reloadSurveys = reloadSurveys
        self.log = log
    }
}

/// The organizers' console under `/admin` (SPEC "The organizers' console"): sign-in, every
/// survey with its numbers, a survey's status by attribute, report and downloads, the form and
/// mail previews, a test mail, and starting invitations and reminders. Every number comes from
/// the functions `status` and `results` use; every page needs a session.
public struct OrganizersConsole: Sendable {
    let settings: ConsoleSettings
    let pool: DatabasePool
    let surveys: @Sendable () -> [String: Survey]
    let frame: PageFrame
    let sessions: ConsoleSessions
    let api: AdminAPI
    let now: @Sendable () -> Date
    /// The survey page's last reports, kept while their numbers have not changed.
    let reports = ReportCache()

    public init(settings: ConsoleSettings, pool: DatabasePool, surveys: @escaping @Sendable () -> [String: Survey],
                frame: PageFrame = .plain, now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.pool = pool
        self.surveys = surveys
        self.frame = frame
        self.now = now
        sessions = ConsoleSessions(pool: pool, adminToken: settings.adminToken, baseURL: settings.baseURL, log: settings.log)
        api = AdminAPI(token: nil, pool: pool, surveys: surveys, bounceAddress: nil)
    }

    /// Adds the console's routes. All of them read the database, so none runs on an event loop.
    public func add(to router: inout Router) {
        let console = self
        router.add(["GET"], "/admin/login", blocking: true) { request, _ in console.sessions.showLogin(request) }
        router.add(["POST"], "/admin/login", blocking: true) { request, _ in console.sessions.login(request) }
        router.add(["POST"], "/admin/logout", blocking: true) { request, _ in console.signedIn(request) { session, _ in console.sessions.logout(session) } }
        router.add(["GET"], "/admin", blocking: true) { request, _ in console.signedIn(request) { session, _ in try console.dashboard(session) } }
        router.add(["POST"], "/admin/reload", blocking: true) { request, _ in
            console.signedIn(request) { _, _ in
                console.settings.reloadSurveys()
                return ConsolePage.redirect("/admin")
            }
        }
        router.add(["GET"], "/admin/surveys/:id", blocking: true) { request, p in
            console.withSurvey(request, p) { session, survey, _ in try console.overview(request, survey, session) }
        }
        for file in Download.allCases {
            router.add(["GET"], "/admin/surveys/:id/" + file.rawValue, blocking: true) { request, p in
                console.withSurvey(request, p) { session, survey, _ in try console.download(request, survey, file, session) }
            }
        }
        router.add(["GET", "POST"], "/admin/surveys/:id/letters", blocking: true) { request, p in
            console.withSurvey(request, p) { session, survey, fields in try console.letters(request, survey, fields, session) }
        }
        router.add(["GET", "POST"], "/admin/surveys/:id/preview", blocking: true) { request, p in
            // Trying out the form stores nothing: it needs the session, but no CSRF token.
            console.signedIn(request, csrf: false) { session, _ in
                guard let survey = console.surveys()[p["id"]!] else { return console.unknownSurvey(p["id"]!, session) }
                return console.preview(request, survey, session)
            }
        }
        router.add(["GET"], "/admin/surveys/:id/mail/:kind", blocking: true) { request, p in
            console.withSurvey(request, p) { session, survey, _ in try console.mailPreview(request, survey, kind: p["kind"]!, session, htmlOnly: false) }
        }
        router.add(["GET"], "/admin/surveys/:id/mail/:kind/html", blocking: true) { request, p in
            console.withSurvey(request, p) { session, survey, _ in try console.mailPreview(request, survey, kind: p["kind"]!, session, htmlOnly: true) }
        }
        router.add(["POST"], "/admin/surveys/:id/test-mail", blocking: true) { request, p in
            console.withSurvey(request, p) { session, survey, fields in try console.testMail(survey, fields, session) }
        }
        for kind in ["invite", "remind"] {
            router.add(["GET", "POST"], "/admin/surveys/:id/" + kind, blocking: true) { request, p in
                console.withSurvey(request, p) { session, survey, fields in
                    try console.mailing(request, survey, kind: kind == "invite" ? "invitation" : "reminder", fields, session)
                }
            }
        }
    }

    /// Runs `body` for a request with a live session: without one `303` to the sign-in; a `POST`
    /// from another origin, or (with `csrf`) without the session's CSRF token, `403`.
    func signedIn(_ request: Request, csrf: Bool = true, _ body: (ConsoleSessions.Session, [(String, String)]) throws -> Response) -> Response {
        do {
            guard let session = try sessions.current(request) else { return ConsolePage.redirect("/admin/login") }
            var fields: [(String, String)] = []
            if request.method == "POST" {
                guard sessions.originAllowed(request) else {
                    return ConsolePage.message(403, "Refused", "This form was sent from another site, so nothing was done.", csrf: session.csrf)
                }
                fields = FormData.decode(request.body)
                if csrf, !ConsoleSessions.csrfValid(fields, session) {
                    return ConsolePage.message(403, "Refused", "This form has expired or did not come from the console, so nothing was done. Open the page again and repeat.", csrf: session.csrf)
                }
            }
            return ConsolePage.secured(try body(session, fields))
        } catch {
            return ConsolePage.message(503, "Try again", "The database does not answer; try again in a moment.", csrf: nil)
        }
    }

    /// `signedIn` for a page of the survey in the path (`404` for an unknown one).
    func withSurvey(_ request: Request, _ parameters: [String: String],
                    _ body: (ConsoleSessions.Session, Survey, [(String, String)]) throws -> Response) -> Response {
        signedIn(request) { session, fields in
            guard let survey = surveys()[parameters["id"]!] else { return unknownSurvey(parameters["id"]!, session) }
            return try body(session, survey, fields)
        }
    }

    func unknownSurvey(_ id: String, _ session: ConsoleSessions.Session) -> Response {
        ConsolePage.message(404, "No such survey", "There is no survey „\(HTML.escape(id))“ loaded. Its file may have errors; see the list of surveys.", csrf: session.csrf)
    }

    /// The survey's title in its first language, escaped.
    static func title(_ survey: Survey) -> String {
        HTML.escape(survey.title.text(survey.defaultLanguage, default: survey.defaultLanguage))
    }

    /// "not yet open (opens …)", "open until …", "open", "closed since …"; dates as the file
    /// writes them (a closing date without a time is the end of that day).
    func state(_ survey: Survey) -> String {
        let date = now()
        func time(_ d: SurveyDate) -> String {
            d.text.count == 10 ? d.text : survey.timestamp(d.instant).prefix(16).replacingOccurrences(of: "T", with: " ")
        }
        if let opens = survey.opens, date < opens.instant { return "not yet open (opens \(time(opens)))" }
        if let closes = survey.closes {
            return date >= closes.instant ? "closed (since \(time(closes)))" : "open until \(time(closes))"
        }
        return "open"
    }
}
