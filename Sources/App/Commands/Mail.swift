import Foundation
import Mail
import Store
import Survey

extension Commands {
    static let invite = Command(
        name: "invite",
        arguments: "SURVEY",
        abstract: "queue one invitation per participant not yet invited (never twice)",
        discussion: """
        Queues an invitation for every participant of SURVEY who has none yet and has not
        unsubscribed; running it again (say, after importing more people) invites only the new
        ones. 'mitreden serve' delivers the queue continuously; 'mitreden send' delivers it now.
        With --dry-run nothing is queued: it shows how many would be invited and the first
        invitation as it would be sent.
        """,
        options: [Command.Option(flag: "--dry-run", value: nil, help: "show how many and render one; queue nothing")],
        positionals: 1...1,
        examples: ["mitreden invite jugendcheck-2027 --dry-run", "mitreden invite jugendcheck-2027 && mitreden send"],
        run: { try queueMail($0, kind: "invitation") })

    static let remind = Command(
        name: "remind",
        arguments: "SURVEY",
        abstract: "queue a reminder to each invited participant who has neither answered nor unsubscribed",
        discussion: """
        Queues the next reminder for each participant whose invitation was delivered and who has
        neither answered nor unsubscribed, and has no mail waiting, up to the survey's
        'reminders: max' in all (1 when the survey has no 'reminders' section). 'serve' sends
        the automatic reminders of 'reminders: after' on its own; this command is for an extra
        push. --dry-run shows how many and renders one.
        """,
        options: [Command.Option(flag: "--dry-run", value: nil, help: "show how many and render one; queue nothing")],
        positionals: 1...1,
        examples: ["mitreden remind jugendcheck-2027 --dry-run", "mitreden remind jugendcheck-2027"],
        run: { try queueMail($0, kind: "reminder") })

    static let send = Command(
        name: "send",
        arguments: "",
        abstract: "deliver the queued mail that is due now, then exit",
        discussion: """
        Delivers what 'mitreden serve' would deliver, once: to the SMTP server of
        MITREDEN_SMTP_URL, or as .eml files in DATA/outbox/ when it is unset. A message counts as
        delivered only once the server accepted it. A 4xx reply, a timeout or a refused
        connection defers it (retried after MITREDEN_SMTP_RETRY seconds, doubling up to an hour);
        a 5xx reply fails it (see 'mitreden status'). Ctrl-C or SIGTERM finishes the messages in
        flight and stops. Exits 0 when nothing due is left (everything delivered, failed, or
        deferred to later), 3 when the database cannot be written.
        """,
        positionals: 0...0,
        examples: ["mitreden send", "MITREDEN_SMTP_URL=smtp://relay.lkee.de:587 MITREDEN_SMTP_FROM='Bildungsbüro <bildung@lkee.de>' mitreden send"],
        run: runSend)

    static func queueMail(_ invocation: Invocation, kind: String) throws -> Int32 {
        let config = invocation.configuration
        let survey = try SurveyCatalog.survey(invocation.positionals[0], in: config.surveysDirectory)
        guard survey.access == .invite else {
            throw InputError("mitreden: error: \(survey.id) is an open survey; it has one public link and sends no mail")
        }
        let templateErrors = MailTemplate.check(survey, directory: config.templatesDirectory)
        guard templateErrors.isEmpty else {
            throw InputError(templateErrors.map(\.description) + ["nothing was queued; fix the templates (mitreden check) first"])
        }
        if let closes = survey.closes, !survey.isOpen(at: Date()), Date() >= closes.instant {
            throw InputError("mitreden: error: \(survey.id) closed at \(survey.timestamp(closes.instant)); links would only show that it is closed. Change 'closes' first")
        }
        let database = try Database(directory: config.dataDirectory)
        let noun = kind == "invitation" ? "invitation" : "reminder"
        let maxReminders = survey.reminders?.max ?? 1
        if invocation.flag("--dry-run") {
            let count = kind == "invitation" ? try database.countUninvited(surveyID: survey.id)
                : try database.countRemindable(surveyID: survey.id, max: maxReminders, after: nil)
            Console.out("would queue \(counted(count, noun)) for \(survey.id)")
            if let preview = try database.previewMail(surveyID: survey.id, kind: kind) {
                let message = try MailSetup.renderer(config, surveys: [survey]).render(preview)
                Console.out("\nThe first one, as it would be sent:\n")
                Console.out(String(decoding: message.bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n"))
            }
            return ExitCode.ok
        }
        let count = kind == "invitation" ? try database.enqueueInvitations(surveyID: survey.id)
            : try database.enqueueReminders(surveyID: survey.id, max: maxReminders, after: nil)
        Log.event("mail_queued", ["survey": survey.id, "kind": kind, "count": String(count)])
        Console.out("queued \(counted(count, noun)) for \(survey.id); 'mitreden serve' delivers them, or run 'mitreden send' now")
        if let opens = survey.opens, Date() < opens.instant {
            Console.err("note: \(survey.id) opens only at \(survey.timestamp(opens.instant)); until then its links say so")
        }
        return ExitCode.ok
    }

    static func runSend(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let catalog = SurveyCatalog.load(try SurveyCatalog.files(in: config.surveysDirectory))
        for error in catalog.errors { Console.err(error) }
        let claim = try DataFolderLock(directory: config.dataDirectory, purpose: .send)
        defer { withExtendedLifetime(claim) {} }
        let database = try Database(directory: config.dataDirectory)
        database.events = EventSetup.routes(config)
        let stop = StopSignal()
        let line = ProgressLine("send", total: try database.pendingMail().count)
        let summary = try MailSetup.dispatcher(config, database: database, surveys: catalog.surveys)
            .deliverDue(shouldStop: stop.isSet) { line.update($0.delivered + $0.deferred + $0.failed + $0.unknown) }
        line.finish()
        let pending = try database.pendingMail()
        var result = "delivered \(summary.delivered) to the \(MailSetup.destination(config)), deferred \(summary.deferred), failed \(summary.failed)"
        if summary.unknown > 0 { result += ", unknown \(summary.unknown) (the connection broke after sending; see mitreden status)" }
        Console.out(result)
        if pending.count > 0, let next = pending.nextDue {
            Console.out("\(counted(pending.count, "message")) waiting; the next is due at \(next) (mitreden serve retries on its own)")
        }
        return ExitCode.ok
    }
}
