import Foundation
import JSON

extension Survey {
    /// The survey as understood, for `mitreden check --print`: choices resolved, every text
    /// per language, dates as instants with their offset.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)),
            ("title", text(title)),
        ]
        if let intro { members.append(("intro", text(intro))) }
        members += [
            ("languages", .array(languages.map(JSONValue.string))),
            ("access", .string(access.rawValue)),
            ("anonymous", .bool(anonymous)),
            ("opens", opens.map { .string(timestamp($0.instant)) } ?? .null),
            ("closes", closes.map { .string(timestamp($0.instant)) } ?? .null),
            ("timezone", .string(timeZone.identifier)),
            ("attributes", .array(attributes.map(JSONValue.string))),
            ("min_group_size", .int(minGroupSize)),
        ]
        if access == .invite {
            members.append(("reminders", reminders.map { .object([("after", .string($0.afterText)), ("after_seconds", .int($0.after)), ("max", .int($0.max))]) } ?? .null))
            members.append(("mail", .object([("invitation", .string(mail.invitation)), ("reminder", .string(mail.reminder))])))
        }
        members.append(("webhooks", .array(webhooks.map { .object([("url", .string($0.url)), ("events", .array($0.events.map(JSONValue.string)))]) })))
        members.append(("questions", .array(questions.map(json))))
        members.append(("pages", .array(pages.map { page in
            .object([("title", page.title.map(text) ?? .null), ("intro", page.intro.map(text) ?? .null),
                     ("questions", .array(page.questions.map { .string(questions[$0].id) }))])
        })))
        members.append(("publish", .object([("results", publish.results.map { .string($0.rawValue) } ?? .null),
                                            ("by", .array(publish.by.map(JSONValue.string))),
                                            ("note", publish.note.map(text) ?? .null)])))
        return .object(members)
    }

    /// A localized text as one string per survey language.
    public func text(_ text: LocalizedText) -> JSONValue {
        .object(languages.map { ($0, .string(text.text($0, default: defaultLanguage))) })
    }

    /// An instant in ISO 8601 with the survey's offset, e.g. `2027-02-28T23:59:00+01:00`.
    public func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    private func options(_ options: [Option]) -> JSONValue {
        .array(options.map { .object([("code", .string($0.code)), ("label", text($0.label))]) })
    }

    private func json(_ q: Question) -> JSONValue {
        var m: [(String, JSONValue)] = [("id", .string(q.id)), ("type", .string(q.typeName)), ("text", text(q.text))]
        if let help = q.help { m.append(("help", text(help))) }
        m.append(("required", .bool(q.required)))
        if let showIf = q.showIfText { m.append(("show_if", .string(showIf))) }
        func number(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }
        switch q.kind {
        case .single(let opts, let other):
            m += [("options", options(opts + (other ? [.other] : []))), ("other", .bool(other))]
        case .multi(let opts, let other, let maxChoices):
            m += [("options", options(opts + (other ? [.other] : []))), ("other", .bool(other)), ("max_choices", maxChoices.map(JSONValue.int) ?? .null)]
        case .scale(let low, let high, let minLabel, let maxLabel):
            m += [("min", .int(low)), ("max", .int(high)), ("min_label", minLabel.map(text) ?? .null), ("max_label", maxLabel.map(text) ?? .null)]
        case .matrix(let rows, let opts):
            m += [("rows", options(rows)), ("options", options(opts))]
        case .yesno:
            m.append(("options", options([Option(code: "yes", label: LocalizedText(translations: ["de": "Ja", "en": "Yes"])),
                                          Option(code: "no", label: LocalizedText(translations: ["de": "Nein", "en": "No"]))])))
        case .number(let low, let high, let decimals):
            m += [("min", number(low)), ("max", number(high)), ("decimals", .int(decimals))]
        case .text(let multiline, let maxLength):
            m += [("multiline", .bool(multiline)), ("max_length", .int(maxLength))]
        case .ranking(let opts, let maxRanked):
            m += [("options", options(opts)), ("max_ranked", maxRanked.map(JSONValue.int) ?? .null)]
        }
        return .object(m)
    }
}
