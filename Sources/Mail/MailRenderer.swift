import Foundation
import JSON
import Store
import Survey

/// Turns a queued mail into a message: the participant's language, the survey's templates,
/// their personal and unsubscribe links. Templates and the closing date are prepared once per
/// survey, kind and language; the worker threads share one renderer.
public final class MailRenderer: @unchecked Sendable {
    let surveys: [String: Survey]
    let templatesDirectory: String
    let baseURL: String
    let from: MailAddress
    /// The envelope sender around the delivery's opaque id (VERP).
    let bounce: BounceAddress
    private let lock = NSLock()
    /// What every mail of one survey, kind and language shares, prepared once.
    private struct Prepared {
        let template: MailTemplate
        let title: String
        let closes: String
        /// Whether a template uses `attributes.*` (else the participant's attributes are not read).
        let usesAttributes: Bool
        /// The encoded `Subject` line when the subject names nothing personal.
        let subjectLine: String?
    }
    /// The encoded `From` line, the same for every message.
    private let fromLine: String
    /// The sender's domain, for Message-IDs.
    private let domain: String
    private struct Key: Hashable { let survey: String; let base: String; let language: String }
    private var prepared: [Key: Prepared] = [:]

    public init(surveys: [Survey], templatesDirectory: String, baseURL: String, from: MailAddress, bounceAddress: String?) {
        self.surveys = Dictionary(uniqueKeysWithValues: surveys.map { ($0.id, $0) })
        self.templatesDirectory = templatesDirectory
        self.baseURL = baseURL
        self.from = from
        fromLine = MIME.header("From", from.headerValue)
        domain = from.domain
        bounce = BounceAddress(pattern: bounceAddress, from: from)
    }

    /// The values a template can use for this mail.
    private func values(for mail: QueuedMail, _ shared: Prepared) -> [String: String] {
        var values = [
            "name": mail.name ?? "",
            "survey.title": shared.title,
            "survey.closes": shared.closes,
            "link": "\(baseURL)/t/\(mail.token)",
            "unsubscribe_link": "\(baseURL)/u/\(mail.token)",
        ]
        if shared.usesAttributes, let parsed = try? JSONParser.parse(mail.attributes) {
            for (key, value) in parsed.stringMembers { values["attributes.\(key)"] = value }
        }
        return values
    }

    /// - Throws: `TemplateError` when the survey or a template is gone or broken.
    public func render(_ mail: QueuedMail, now: Date = Date()) throws -> Message {
        guard let survey = surveys[mail.surveyID] else {
            throw TemplateError(path: mail.surveyID, mark: Mark(line: 1, column: 1), message: "the survey \(mail.surveyID) is not loaded")
        }
        let language = mail.language.flatMap { survey.languages.contains($0) ? $0 : nil } ?? survey.defaultLanguage
        let base = mail.kind == "invitation" ? survey.mail.invitation : survey.mail.reminder
        let shared: Prepared = try lock.withLock {
            let key = Key(survey: survey.id, base: base, language: language)
            if let cached = prepared[key] { return cached }
            let template = try MailTemplate.load(base, language: language, survey: survey, directory: templatesDirectory, neededAt: nil)
            let names = template.subject.names + template.text.names + (template.html?.names ?? [])
            // A DateFormatter is costly: the closing date is formatted here, once.
            // A subject that names only the survey is the same for every participant: encode it once.
            let title = survey.title.text(language, default: survey.defaultLanguage)
            let closes = survey.closesText(language)
            let surveyValues = ["survey.title": title, "survey.closes": closes]
            let subject = template.subject.names.allSatisfy { surveyValues[$0.0] != nil } ? template.subject.render(surveyValues, escapeHTML: false) : nil
            let ready = Prepared(template: template, title: title, closes: closes,
                                 usesAttributes: names.contains { $0.0.hasPrefix("attributes.") },
                                 subjectLine: subject.map { MIME.header("Subject", MIME.unstructured($0)) })
            prepared[key] = ready
            return ready
        }
        let template = shared.template
        let values = values(for: mail, shared)
        var parts = MessageParts(
            from: from, to: MailAddress(name: mail.name, address: mail.email),
            subject: template.subject.render(values, escapeHTML: false),
            text: template.text.render(values, escapeHTML: false),
            html: template.html?.render(values, escapeHTML: true),
            messageID: mail.messageID + "@" + domain, date: now,
            unsubscribeURL: values["unsubscribe_link"], autoSubmitted: mail.kind == "reminder",
            envelopeFrom: bounce.address(mail.envelopeID))
        parts.fromLine = fromLine
        parts.subjectLine = shared.subjectLine
        return parts.build()
    }
}

extension Survey {
    /// When the survey closes, written for people reading `language` (empty when it never closes).
    /// A closing date without a time shows that day.
    public func closesText(_ language: String) -> String {
        guard let closes else { return "" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language)
        formatter.timeZone = timeZone
        let dateOnly = closes.text.count == 10
        formatter.dateStyle = .long
        formatter.timeStyle = dateOnly ? .none : .short
        return formatter.string(from: dateOnly ? closes.instant.addingTimeInterval(-1) : closes.instant)
    }
}
