import Foundation
import HTTP
import Mail
import Store
import Survey

extension OrganizersConsole {
    /// What stands for a participant's token in a previewed mail: the shape of a token, but no
    /// participant's (so a previewed link never answers for anyone).
    static let previewToken = "preview-link-not-a-token"

    /// The renderer of the daemon's mail for `survey`; `baseURL` is where `{{link}}` points.
    func renderer(_ survey: Survey, baseURL: String) -> MailRenderer {
        MailRenderer(surveys: [survey], templatesDirectory: settings.templatesDirectory, baseURL: baseURL,
                     from: settings.from, bounceAddress: settings.bounceAddress)
    }

    /// The first participant `invite`/`remind --dry-run` would render, without their link; or
    /// a made-up one when there is none.
    func sample(_ survey: Survey, kind: String, language: String) throws -> QueuedMail {
        var mail = try pool.with { try $0.previewMail(surveyID: survey.id, kind: kind) }
            ?? QueuedMail.unqueued(surveyID: survey.id, kind: kind, email: "erika.mustermann@example.org", name: "Erika Mustermann",
                                   language: language, token: Self.previewToken, messageID: "preview")
        mail.token = Self.previewToken
        mail.language = language
        mail.messageID = "preview"
        return mail
    }

    /// A page that lists template errors: nothing is sent or queued until they are fixed.
    func templateProblems(_ survey: Survey, _ session: ConsoleSessions.Session) -> Response? {
        let errors = MailTemplate.check(survey, directory: settings.templatesDirectory)
        guard !errors.isEmpty else { return nil }
        let list = errors.map { "<li><code>\(HTML.escape($0.description))</code></li>" }.joined(separator: "\n")
        return ConsolePage(title: "Template errors", body: "<h1>The mail templates have errors</h1>\n<ul>\n\(list)\n</ul>\n<p>Nothing was sent or queued. Fix the templates (<code>mitreden check</code>) first.</p>\n<p><a href=\"/admin/surveys/\(HTML.escape(survey.id))\">Back to the survey</a></p>\n",
                           status: 422, csrf: session.csrf).response()
    }

    func notForOpenSurveys(_ survey: Survey, _ session: ConsoleSessions.Session) -> Response? {
        survey.access == .invite ? nil
            : ConsolePage.message(404, "No mail", "„\(HTML.escape(survey.id))“ is an open survey: it has one public link and sends no mail.", csrf: session.csrf)
    }

    /// `GET /admin/surveys/{id}/mail/{invitation|reminder}[?lang=L]`: the mail as it will go out
    /// for a sample participant: headers, text part, HTML part (`…/html`: that part alone, as a page).
    func mailPreview(_ request: Request, _ survey: Survey, kind: String, _ session: ConsoleSessions.Session, htmlOnly: Bool) throws -> Response {
        guard kind == "invitation" || kind == "reminder" else { return unknownSurvey(survey.id + "/mail/" + kind, session) }
        if let refused = notForOpenSurveys(survey, session) ?? templateProblems(survey, session) { return refused }
        let language = request.queryItem("lang").flatMap { survey.languages.contains($0) ? $0 : nil } ?? survey.defaultLanguage
        let mail = try sample(survey, kind: kind, language: language)
        let message = try renderer(survey, baseURL: settings.baseURL).render(mail, now: now())
        let parts = MailView(message.bytes)
        if htmlOnly {
            guard let html = parts.html else { return ConsolePage.message(404, "No HTML part", "This mail is text only.", csrf: session.csrf) }
            return Response(status: 200, contentType: "text/html; charset=utf-8", body: html)
        }
        let id = HTML.escape(survey.id)
        var body = "<h1>The \(kind) of „\(Self.title(survey))“ (\(HTML.escape(language)))</h1>\n"
        body += "<p>As it will go out to the first participant it would be sent to now, with a placeholder instead of their personal link. Nothing is sent from this page.</p>\n"
        if survey.languages.count > 1 {
            body += "<nav aria-label=\"Languages\"><ul class=\"links\">" + survey.languages.map {
                $0 == language ? "<li><strong>\(HTML.escape($0))</strong></li>" : "<li><a href=\"/admin/surveys/\(id)/mail/\(kind)?lang=\(HTML.escape($0))\">\(HTML.escape($0))</a></li>"
            }.joined() + "</ul></nav>\n"
        }
        body += "<h2 id=\"headers\">Headers</h2>\n<pre aria-labelledby=\"headers\">\(HTML.escape(parts.headers))</pre>\n"
        body += "<h2 id=\"text\">Text part</h2>\n<pre aria-labelledby=\"text\" lang=\"\(HTML.escape(language))\">\(HTML.escape(parts.text))</pre>\n"
        if parts.html != nil {
            body += "<h2 id=\"html\">HTML part</h2>\n<p><a href=\"/admin/surveys/\(id)/mail/\(kind)/html?lang=\(HTML.escape(language))\">Open the HTML part as a page</a></p>\n"
        } else {
            body += "<p>No HTML part: the mail is text only in this language.</p>\n"
        }
        body += "<p><a href=\"/admin/surveys/\(id)\">Back to the survey</a></p>\n"
        return ConsolePage(title: "The \(kind)", body: body, csrf: session.csrf).response()
    }

    /// `POST /admin/surveys/{id}/test-mail` (field `email`, optional `lang`): the invitation to
    /// that address through the relay or outbox, its link leading to the preview. Not queued,
    /// not counted.
    func testMail(_ survey: Survey, _ fields: [(String, String)], _ session: ConsoleSessions.Session) throws -> Response {
        if let refused = notForOpenSurveys(survey, session) ?? templateProblems(survey, session) { return refused }
        let email = (fields.first { $0.0 == "email" }?.1 ?? "").trimmingCharacters(in: .whitespaces)
        guard EmailAddress.isValid(email) else {
            return ConsolePage.message(422, "Not sent", "„\(HTML.escape(email))“ is not an email address. Go back and type one.", csrf: session.csrf)
        }
        let language = fields.first { $0.0 == "lang" }.flatMap { survey.languages.contains($0.1) ? $0.1 : nil } ?? survey.defaultLanguage
        var mail = try sample(survey, kind: "invitation", language: language)
        mail.email = email
        mail.name = nil
        mail.token = "mail"
        mail.messageID = "test-" + Token.make().lowercased().filter { $0.isLetter || $0.isNumber }
        mail.envelopeID = "test"
        // The renderer puts `/t/TOKEN` after its base: here the preview's query takes it in.
        let previewBase = settings.baseURL + "/admin/surveys/\(survey.id)/preview?lang=\(language)&from="
        let message = try renderer(survey, baseURL: previewBase).render(mail, now: now())
        let outcome = settings.makeTransport().send(message)
        settings.log("console_test_mail", [("survey", survey.id)])
        let back = "<p><a href=\"/admin/surveys/\(HTML.escape(survey.id))\">Back to the survey</a></p>\n"
        switch outcome {
        case .delivered(let reply):
            return ConsolePage(title: "Test mail sent", body: "<h1>Test mail sent</h1>\n<p role=\"status\">The invitation went to \(HTML.escape(email)) through the \(HTML.escape(settings.mailDestination)) (<code>\(HTML.escape(reply))</code>). Its link opens the preview.</p>\n" + back,
                               csrf: session.csrf).response()
        case .deferred(let reply, _), .failed(let reply):
            return ConsolePage(title: "Test mail not sent", body: "<h1>Test mail not sent</h1>\n<p role=\"alert\">The \(HTML.escape(settings.mailDestination)) answered: <code>\(HTML.escape(reply))</code></p>\n" + back,
                               status: 502, csrf: session.csrf).response()
        case .unknown(let reason):
            return ConsolePage(title: "Test mail unknown", body: "<h1>Unknown whether the test mail went out</h1>\n<p role=\"alert\"><code>\(HTML.escape(reason))</code></p>\n" + back,
                               status: 502, csrf: session.csrf).response()
        }
    }

    /// `GET/POST /admin/surveys/{id}/invite|remind`: GET is the confirmation page that says how
    /// many would be queued (`invite --dry-run`); POST (with the number confirmed) queues them as
    /// `invite`/`remind` do. When the number changed in between, the confirmation comes again.
    func mailing(_ request: Request, _ survey: Survey, kind: String, _ fields: [(String, String)], _ session: ConsoleSessions.Session) throws -> Response {
        if let refused = notForOpenSurveys(survey, session) ?? templateProblems(survey, session) { return refused }
        let id = HTML.escape(survey.id)
        let back = "<p><a href=\"/admin/surveys/\(id)\">Back to the survey</a></p>\n"
        if let closes = survey.closes, now() >= closes.instant {
            return ConsolePage.message(409, "Closed", "„\(id)“ closed at \(HTML.escape(survey.timestamp(closes.instant))); links would only say so. Change <code>closes</code> first.", csrf: session.csrf)
        }
        let maxReminders = survey.reminders?.max ?? 1
        let noun = kind == "invitation" ? ("invitation", "invitations") : ("reminder", "reminders")
        let path = kind == "invitation" ? "invite" : "remind"
        let count = try pool.with { kind == "invitation" ? try $0.countUninvited(surveyID: survey.id)
            : try $0.countRemindable(surveyID: survey.id, max: maxReminders, after: nil) }
        let confirmed = fields.first { $0.0 == "expected" }.flatMap { Int($0.1) }
        if request.method == "POST", confirmed == count, count > 0 {
            let queued = try pool.with { kind == "invitation" ? try $0.enqueueInvitations(surveyID: survey.id)
                : try $0.enqueueReminders(surveyID: survey.id, max: maxReminders, after: nil) }
            settings.log("mail_queued", [("survey", survey.id), ("kind", kind), ("count", String(queued)), ("by", "console")])
            let text = "Queued \(queued) \(queued == 1 ? noun.0 : noun.1) for „\(id)“. The daemon delivers them through the \(HTML.escape(settings.mailDestination)); the numbers on the survey page show how far it got."
            return ConsolePage(title: "Queued", body: "<h1>Queued</h1>\n<p role=\"status\">\(text)</p>\n" + back, csrf: session.csrf).response()
        }
        var body = "<h1>\(kind == "invitation" ? "Start the invitations" : "Start a reminder round") for „\(Self.title(survey))“</h1>\n"
        if request.method == "POST" {
            body += "<p class=\"problem\" role=\"alert\">The number changed since the confirmation page was shown, so nothing was queued. Check it again.</p>\n"
        }
        guard count > 0 else {
            body += "<p>Nobody to send \(noun.1) to: \(kind == "invitation" ? "every participant with an email address has an invitation, or unsubscribed" : "nobody whose invitation was delivered is waiting for a reminder (answered, unsubscribed, mail still waiting, or \(maxReminders) reminders already)").</p>\n" + back
            return ConsolePage(title: "Nothing to send", body: body, csrf: session.csrf).response()
        }
        body += "<p><strong>\(count) \(count == 1 ? noun.0 : noun.1)</strong> will be queued and then delivered through the \(HTML.escape(settings.mailDestination)).</p>\n"
        if let opens = survey.opens, now() < opens.instant {
            body += "<p>Note: the survey opens only at \(HTML.escape(survey.timestamp(opens.instant))); until then its links say so.</p>\n"
        }
        body += """
        <form method="post" action="/admin/surveys/\(id)/\(path)" class="actions">\(ConsolePage.csrfField(session.csrf))
        <input type="hidden" name="expected" value="\(count)">
        <button type="submit">Queue \(count) \(count == 1 ? noun.0 : noun.1)</button>
        <a href="/admin/surveys/\(id)">Cancel</a>
        </form>

        """
        return ConsolePage(title: "Confirm", body: body, csrf: session.csrf).response()
    }
}
