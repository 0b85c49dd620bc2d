import Foundation

/// Reads survey files: YAML subset, then the survey model with every check of SPEC.md.
public enum SurveyReader {
    /// Reads one survey from its text; `path` is used in messages.
    /// - Throws: `SurveyErrors` with every problem found.
    public static func read(_ text: String, path: String) throws -> Survey {
        let root: YAMLNode
        do {
            root = try YAMLParser.parse(text)
        } catch let error as YAMLError {
            throw SurveyErrors(errors: [SurveyError(path: path, mark: error.mark, message: error.message)])
        }
        let decoder = SurveyDecoder(path: path)
        let survey = decoder.decode(root)
        if var survey, decoder.errors.isEmpty {
            survey.fingerprint = text.utf8.reduce(0xcbf29ce484222325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100000001b3 }
            return survey
        }
        throw SurveyErrors(errors: decoder.errors)
    }

    /// Reads one survey file from disk.
    /// - Throws: `SurveyErrors`.
    public static func read(file path: String) throws -> Survey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SurveyErrors(errors: [SurveyError(path: path, mark: Mark(line: 1, column: 1), message: "cannot read the file; check that it exists and is readable")])
        }
        guard data.count <= 1 << 20 else {
            throw SurveyErrors(errors: [SurveyError(path: path, mark: Mark(line: 1, column: 1), message: "the file is larger than 1 MiB; a survey file should be far smaller")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SurveyErrors(errors: [SurveyError(path: path, mark: Mark(line: 1, column: 1), message: "the file is not valid UTF-8; save it as UTF-8")])
        }
        return try read(text, path: path)
    }
}

/// Turns the YAML tree into a `Survey`, collecting errors instead of stopping at the first.
final class SurveyDecoder {
    let path: String
    var errors: [SurveyError] = []
    var languages = ["de"]
    var choices: [String: [Option]] = [:]

    init(path: String) { self.path = path }

    func fail(_ mark: Mark, _ message: String) {
        errors.append(SurveyError(path: path, mark: mark, message: message))
    }

    static let surveyKeys = ["id", "title", "intro", "languages", "access", "anonymous", "opens", "closes", "timezone",
                             "attributes", "min_group_size", "reminders", "mail", "webhooks", "choices", "questions", "publish"]

    func decode(_ root: YAMLNode) -> Survey? {
        guard var fields = fieldsOf(root, "the survey") else { return nil }
        if let entry = fields.take("languages") { languages = decodeLanguages(entry) ?? languages }
        let id = decodeIdentifier(fields.take("id"), of: "survey", at: fields.mark, pattern: "[a-z0-9-]{1,64}", allowed: Self.isSurveyIdCharacter, maxLength: 64)
        let title = requiredText(fields.take("title"), "title", at: fields.mark)
        let intro = fields.take("intro").flatMap { localized($0.value, "intro") }
        let access = fields.take("access").flatMap { entry -> Survey.Access? in
            guard let word = scalarText(entry.value, "access") else { return nil }
            guard let access = Survey.Access(rawValue: word) else {
                fail(entry.value.mark, "unknown access '\(word)' (expected invite or open)")
                return nil
            }
            return access
        } ?? .invite
        let anonymous = fields.take("anonymous").flatMap { bool($0.value, "anonymous") } ?? false
        var timeZone = TimeZone(identifier: "Europe/Berlin")!
        if let entry = fields.take("timezone"), let name = scalarText(entry.value, "timezone") {
            if let zone = TimeZone(identifier: name), name.contains("/") || name == "UTC" {
                timeZone = zone
            } else {
                fail(entry.value.mark, "unknown time zone '\(name)' (expected an IANA name such as Europe/Berlin)")
            }
        }
        let opens = fields.take("opens").flatMap { date($0, in: timeZone, endOfDay: false) }
        let closesEntry = fields.take("closes")
        let closes = closesEntry.flatMap { date($0, in: timeZone, endOfDay: true) }
        if let opens, let closes, let closesEntry, opens.instant >= closes.instant {
            fail(closesEntry.value.mark, "'closes' (\(closes.text)) must be after 'opens' (\(opens.text))")
        }
        let attributes = fields.take("attributes").map { decodeAttributes($0, access: access) } ?? []
        var minGroupSize = 5
        if let entry = fields.take("min_group_size"), let value = int(entry.value, "min_group_size") {
            if value < 2 || value > 1000 {
                fail(entry.value.mark, "min_group_size must be between 2 and 1000 (a group of 1 would show a single person's answers)")
            } else {
                minGroupSize = value
            }
        }
        let reminders = fields.take("reminders").flatMap { decodeReminders($0, access: access) }
        let mail = decodeMail(fields.take("mail"), access: access)
        let webhooks = fields.take("webhooks").map(decodeWebhooks) ?? []
        if let entry = fields.take("choices") { decodeChoices(entry) }
        var questions: [Question] = []
        var pages: [SurveyPage] = []
        if let entry = fields.take("questions") {
            (questions, pages) = decodeQuestions(entry)
        } else {
            fail(fields.mark, "the survey has no 'questions'; add a list of questions")
        }
        let publish = fields.take("publish").map { decodePublish($0, attributes: attributes, hasCloses: closesEntry != nil) } ?? Publish()
        reportUnknown(fields, allowed: Self.surveyKeys, what: "survey")
        guard let id, let title else { return nil }
        var survey = Survey(id: id, title: title, intro: intro, languages: languages, access: access, anonymous: anonymous,
                      opens: opens, closes: closes, timeZone: timeZone, attributes: attributes, minGroupSize: minGroupSize,
                      reminders: reminders, mail: mail, webhooks: webhooks, questions: questions, sourcePath: path)
        survey.publish = publish
        survey.pages = pages
        return survey
    }

    static func isSurveyIdCharacter(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "-"
    }

    static func isNameCharacter(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-"
    }

    func decodeLanguages(_ entry: YAMLEntry) -> [String]? {
        guard let items = scalarList(entry.value, "languages") else { return nil }
        var result: [String] = []
        for item in items {
            let code = item.value
            let valid = (2...3).contains(code.count) && code.unicodeScalars.allSatisfy { ("a"..."z").contains($0) }
            if !valid {
                fail(item.mark, "'\(code)' is not a language code (expected two or three lower-case letters such as de, en, uk, ar)")
            } else if result.contains(code) {
                fail(item.mark, "language '\(code)' is listed twice")
            } else {
                result.append(code)
            }
        }
        if result.isEmpty {
            fail(entry.value.mark, "'languages' needs at least one language, e.g. [de]")
            return nil
        }
        return result
    }

    func decodeAttributes(_ entry: YAMLEntry, access: Survey.Access) -> [String] {
        guard let items = scalarList(entry.value, "attributes") else { return [] }
        if access == .open && !items.isEmpty {
            fail(entry.key.mark, "an open survey has no participant list to take attributes from; ask a question instead (or use access: invite)")
            return []
        }
        var result: [String] = []
        for item in items {
            let name = item.value
            let plain = !name.isEmpty && name.count <= 64 && name.unicodeScalars.first.map({ ("a"..."z").contains($0) }) == true
                && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
            if !plain {
                fail(item.mark, "attribute '\(name)' is not a plain name (expected lower-case letters, digits and '_', starting with a letter, like kommune or altersgruppe)")
            } else if ["email", "name", "language"].contains(name) {
                fail(item.mark, "'\(name)' is a participant column with its own meaning, not an attribute; remove it from attributes")
            } else if result.contains(name) {
                fail(item.mark, "attribute '\(name)' is listed twice")
            } else {
                result.append(name)
            }
        }
        return result
    }

    func decodeReminders(_ entry: YAMLEntry, access: Survey.Access) -> Reminders? {
        guard var fields = fieldsOf(entry.value, "reminders") else { return nil }
        defer { reportUnknown(fields, allowed: ["after", "max"], what: "reminders") }
        if access == .open {
            fail(entry.key.mark, "reminders need personal invitations; remove them or use access: invite")
            return nil
        }
        var seconds: Int?
        var text = ""
        if let after = fields.take("after"), let value = scalarText(after.value, "after") {
            text = value
            let units: [Character: Int] = ["h": 3600, "d": 86400, "w": 604800]
            if let unit = value.last.flatMap({ units[$0] }), let count = Int(value.dropLast()), value.first != "+", count >= 1, count <= 365 {
                seconds = count * unit
            } else {
                fail(after.value.mark, "'\(value)' is not a duration (expected a number and h, d or w, such as 36h, 7d or 2w)")
            }
        } else {
            fail(fields.mark, "reminders need 'after', such as 'after: 7d'")
        }
        var max = 1
        if let entry = fields.take("max"), let value = int(entry.value, "max") {
            if (0...10).contains(value) { max = value } else { fail(entry.value.mark, "reminders max must be between 0 and 10") }
        }
        guard let seconds else { return nil }
        return Reminders(after: seconds, afterText: text, max: max)
    }

    func decodeMail(_ entry: YAMLEntry?, access: Survey.Access) -> MailTemplates {
        var mail = MailTemplates(invitation: "invitation", reminder: "reminder")
        guard let entry, var fields = fieldsOf(entry.value, "mail") else { return mail }
        if access == .open { fail(entry.key.mark, "an open survey sends no mail; remove 'mail' or use access: invite") }
        for key in ["invitation", "reminder"] {
            guard let item = fields.take(key), let name = scalarText(item.value, key) else { continue }
            guard !name.isEmpty, name.count <= 64, name.unicodeScalars.allSatisfy(Self.isNameCharacter) else {
                fail(item.value.mark, "template name '\(name)' may only use a-z, 0-9, '-' and '_' (it names templates/\(name).txt)")
                continue
            }
            if key == "invitation" { mail.invitation = name; mail.invitationMark = item.value.mark }
            else { mail.reminder = name; mail.reminderMark = item.value.mark }
        }
        reportUnknown(fields, allowed: ["invitation", "reminder"], what: "mail")
        return mail
    }

    func decodeWebhooks(_ entry: YAMLEntry) -> [WebhookEndpoint] {
        guard case .sequence(let items, _) = entry.value else {
            fail(entry.value.mark, "'webhooks' must be a list of '- url: ...' entries")
            return []
        }
        return items.compactMap { item in
            guard var fields = fieldsOf(item, "a webhook") else { return nil }
            // Both keys are taken before anything is checked: what is left is unknown.
            let urlEntry = fields.take("url")
            let eventsEntry = fields.take("events")
            reportUnknown(fields, allowed: ["url", "events"], what: "webhook")
            var events = WebhookEndpoint.eventTypes
            if let eventsEntry, let list = scalarList(eventsEntry.value, "events") {
                events = []
                for event in list {
                    if WebhookEndpoint.eventTypes.contains(event.value) { events.append(event.value) }
                    else { fail(event.mark, "unknown event '\(event.value)' (expected one of: \(WebhookEndpoint.eventTypes.joined(separator: ", ")))") }
                }
            }
            guard let urlEntry, let url = scalarText(urlEntry.value, "url") else {
                fail(fields.mark, "a webhook needs 'url'")
                return nil
            }
            guard WebhookEndpoint.isHTTPURL(url) else {
                fail(urlEntry.value.mark, "'\(url)' is not an http(s) URL; write it as https://host/path")
                return nil
            }
            return WebhookEndpoint(url: url, events: events)
        }
    }

    func decodeChoices(_ entry: YAMLEntry) {
        guard let fields = fieldsOf(entry.value, "choices") else { return }
        for item in fields.entries {
            if let options = options(item.value, "choices list '\(item.key.value)'", allowNamed: false) {
                choices[item.key.value] = options
            }
        }
    }
}
