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
    /// What every mail of one survey, kind and language shares, prepared once: the templates
    /// with the survey's title and closing date filled in, the participant's values left open.
    private struct Prepared {
        let subject: CompiledTemplate
        let text: QuotedPrintableTemplate
        let html: QuotedPrintableTemplate?
        /// The survey's attributes, in slot order after `personalNames`; empty when no template
        /// uses one (then the participant's attributes are not read).
        let attributes: [String]
        /// The encoded `Subject` line when the subject names nothing personal.
        let subjectLine: String?
    }
    /// The slots every template has, in this order, before the attributes.
    private static let personalNames = ["name", "link", "unsubscribe_link"]
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

    private func prepare(_ survey: Survey, base: String, language: String) throws -> Prepared {
        let template = try MailTemplate.load(base, language: language, survey: survey, directory: templatesDirectory, neededAt: nil)
        let names = template.subject.names + template.text.names + (template.html?.names ?? [])
        // A DateFormatter is costly: the closing date is formatted here, once.
        let known = ["survey.title": survey.title.text(language, default: survey.defaultLanguage), "survey.closes": survey.closesText(language)]
        let attributes = names.contains { $0.0.hasPrefix("attributes.") } ? survey.attributes : []
        let slots = Self.personalNames + attributes.map { "attributes.\($0)" }
        let subject = template.subject.compiled(known: known, slots: slots, escapeHTML: false)
        // A subject that names only the survey is the same for every participant: encode it once.
        let fixedSubject = template.subject.names.allSatisfy { known[$0.0] != nil }
        return Prepared(subject: subject, text: template.text.compiled(known: known, slots: slots, escapeHTML: false).quotedPrintable(),
                        html: template.html?.compiled(known: known, slots: slots, escapeHTML: true).quotedPrintable(), attributes: attributes,
                        subjectLine: fixedSubject ? MIME.header("Subject", MIME.unstructured(Self.string(subject, []))) : nil)
    }

    private static func string(_ template: CompiledTemplate, _ values: [String]) -> String {
        var bytes: [UInt8] = []
        template.render(values, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
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
            let ready = try prepare(survey, base: base, language: language)
            prepared[key] = ready
            return ready
        }
        let unsubscribe = baseURL + "/u/" + mail.token
        var values = [mail.name ?? "", baseURL + "/t/" + mail.token, unsubscribe]
        if !shared.attributes.isEmpty {
            let members = (try? JSONParser.parse(mail.attributes))?.stringMembers ?? []
            for key in shared.attributes { values.append(members.first { $0.0 == key }?.1 ?? "") }
        }
        var text: [UInt8] = [], html: [UInt8]?   // in quoted-printable
        shared.text.render(values, into: &text)
        if let template = shared.html {
            html = []
            template.render(values, into: &html!)
        }
        var parts = MessageParts(
            from: from, to: MailAddress(name: mail.name, address: mail.email),
            subject: shared.subjectLine == nil ? Self.string(shared.subject, values) : "",
            text: [], html: nil,
            messageID: mail.messageID + "@" + domain, date: now,
            unsubscribeURL: unsubscribe, autoSubmitted: mail.kind == "reminder",
            envelopeFrom: bounce.address(mail.envelopeID))
        parts.fromLine = fromLine
        parts.subjectLine = shared.subjectLine
        parts.listID = mail.surveyID + ".mitreden." + domain
        parts.encodedBodies = (text, html)
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
