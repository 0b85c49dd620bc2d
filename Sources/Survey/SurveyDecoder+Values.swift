import Foundation

/// Typed reading of single values, each with a message that says what was expected.
extension SurveyDecoder {
    func fieldsOf(_ node: YAMLNode, _ what: String) -> Fields? {
        guard case .mapping(let entries, let mark) = node else {
            fail(node.mark, "\(what) must be a mapping of 'key: value' lines, found \(node.kindName)")
            return nil
        }
        return Fields(entries, mark: mark)
    }

    func reportUnknown(_ fields: Fields, allowed: [String], what: String, elsewhere: (String) -> String? = { _ in nil }) {
        for entry in fields.unknown {
            let key = entry.key.value
            if let note = elsewhere(key) {
                fail(entry.key.mark, note)
            } else if let guess = closest(to: key, in: allowed) {
                fail(entry.key.mark, "unknown key '\(key)' in \(what) (did you mean '\(guess)'?)")
            } else {
                fail(entry.key.mark, "unknown key '\(key)' in \(what) (expected one of: \(allowed.joined(separator: ", ")))")
            }
        }
    }

    /// A non-empty single value.
    func scalar(_ node: YAMLNode, _ key: String) -> YAMLScalar? {
        guard case .scalar(let scalar) = node else {
            fail(node.mark, "'\(key)' must be a single value, found \(node.kindName)")
            return nil
        }
        guard !scalar.isNull else {
            fail(node.mark, "'\(key)' needs a value")
            return nil
        }
        return scalar
    }

    func scalarText(_ node: YAMLNode, _ key: String) -> String? { scalar(node, key)?.value }

    /// A list of single values, written as `[a, b]` or as `- a` lines.
    func scalarList(_ node: YAMLNode, _ key: String) -> [YAMLScalar]? {
        guard case .sequence(let items, _) = node else {
            fail(node.mark, "'\(key)' must be a list such as [a, b], found \(node.kindName)")
            return nil
        }
        var result: [YAMLScalar] = []
        for item in items {
            if let value = scalar(item, "an entry of '\(key)'") { result.append(value) }
        }
        return result
    }

    func bool(_ node: YAMLNode, _ key: String) -> Bool? {
        guard let scalar = scalar(node, key) else { return nil }
        if case .bool(let value) = scalar.resolved { return value }
        let hint = ["yes", "no", "on", "off", "Yes", "No"].contains(scalar.value) ? "; YAML 1.2 reads '\(scalar.value)' as text" : ""
        fail(node.mark, "'\(key)' must be true or false, found '\(scalar.value)'\(hint)")
        return nil
    }

    func int(_ node: YAMLNode, _ key: String) -> Int? {
        guard let scalar = scalar(node, key) else { return nil }
        if case .int(let digits) = scalar.resolved, let value = Int(digits) { return value }
        fail(node.mark, "'\(key)' must be a whole number, found '\(scalar.value)'")
        return nil
    }

    func number(_ node: YAMLNode, _ key: String) -> Double? {
        guard let scalar = scalar(node, key) else { return nil }
        switch scalar.resolved {
        case .int(let digits): if let value = Double(digits) { return value }
        case .float(let value) where value.isFinite: return value
        default: break
        }
        fail(node.mark, "'\(key)' must be a number, found '\(scalar.value)'")
        return nil
    }

    /// A text participants read: one string, or a mapping with exactly the survey's languages.
    func localized(_ node: YAMLNode, _ key: String) -> LocalizedText? {
        switch node {
        case .scalar:
            guard let text = scalarText(node, key) else { return nil }
            return LocalizedText(text)
        case .mapping(let entries, let mark):
            var values: [String: String] = [:]
            for entry in entries {
                guard languages.contains(entry.key.value) else {
                    fail(entry.key.mark, "'\(entry.key.value)' is not one of the survey's languages (\(languages.joined(separator: ", "))); add it to 'languages' or remove this translation")
                    continue
                }
                if let text = scalarText(entry.value, "\(key).\(entry.key.value)") { values[entry.key.value] = text }
            }
            let missing = languages.filter { language in values[language] == nil && !entries.contains { $0.key.value == language } }
            if !missing.isEmpty {
                fail(mark, "'\(key)' has no translation for \(missing.joined(separator: ", ")); every language in 'languages' needs one")
                return nil
            }
            return LocalizedText(translations: values)
        case .sequence:
            fail(node.mark, "'\(key)' must be a text, or a mapping from language to text, found a list")
            return nil
        }
    }

    func requiredText(_ entry: YAMLEntry?, _ key: String, at mark: Mark) -> LocalizedText? {
        guard let entry else {
            fail(mark, "'\(key)' is missing; add '\(key): ...'")
            return nil
        }
        return localized(entry.value, key)
    }

    func date(_ entry: YAMLEntry, in zone: TimeZone, endOfDay: Bool) -> SurveyDate? {
        guard let text = scalarText(entry.value, entry.key.value) else { return nil }
        guard let date = SurveyDate.parse(text, in: zone, endOfDay: endOfDay) else {
            fail(entry.value.mark, "'\(text)' is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM, such as 2027-02-28T23:59)")
            return nil
        }
        return date
    }

    /// An id: required, non-empty, of the allowed characters.
    func decodeIdentifier(_ entry: YAMLEntry?, of what: String, at mark: Mark, pattern: String,
                          allowed: (Unicode.Scalar) -> Bool, maxLength: Int) -> String? {
        guard let entry else {
            fail(mark, "the \(what) has no 'id'; add 'id: ...' (\(pattern))")
            return nil
        }
        guard let id = scalarText(entry.value, "id") else { return nil }
        guard id.count <= maxLength, id.unicodeScalars.allSatisfy(allowed),
              id.unicodeScalars.first.map({ ("a"..."z").contains($0) || ("0"..."9").contains($0) }) == true else {
            fail(entry.value.mark, "\(what) id '\(id)' must match \(pattern) (lower-case letters, digits\(pattern.contains("_") ? ", '_'" : "") and '-')")
            return nil
        }
        return id
    }

    /// A list of options (`- code: Label`, `- Label`, or `[a, b]`), or the name of a `choices` list.
    func options(_ node: YAMLNode, _ what: String, allowNamed: Bool) -> [Option]? {
        if allowNamed, case .scalar(let scalar) = node, !scalar.isNull {
            guard let named = choices[scalar.value] else {
                let known = choices.keys.sorted()
                fail(scalar.mark, "no choices list named '\(scalar.value)'" + (known.isEmpty ? "; define it under 'choices:'" : " (defined: \(known.joined(separator: ", ")))"))
                return nil
            }
            return named
        }
        guard case .sequence(let items, let mark) = node else {
            fail(node.mark, "\(what) must be a list of options\(allowNamed ? " or the name of a 'choices' list" : ""), found \(node.kindName)")
            return nil
        }
        var result: [Option] = []
        var seen: [String: Mark] = [:]
        for item in items {
            let option: Option
            let optionMark: Mark
            switch item {
            case .scalar(let scalar):
                guard !scalar.isNull else { fail(scalar.mark, "an empty option; write a label or 'code: Label'"); continue }
                option = Option(code: scalar.value, label: LocalizedText(scalar.value))
                optionMark = scalar.mark
            case .mapping(let entries, let m) where entries.count == 1:
                guard let label = localized(entries[0].value, "the label of '\(entries[0].key.value)'") else { continue }
                option = Option(code: entries[0].key.value, label: label)
                optionMark = entries[0].key.mark
                _ = m
            default:
                fail(item.mark, "an option must be 'Label' or 'code: Label', found \(item.kindName) with several keys")
                continue
            }
            if option.code.unicodeScalars.contains(where: { $0.value < 0x20 }) || option.code.count > 200 {
                fail(optionMark, "option code '\(option.code)' is too long or has a line break; give the option a short code: '- code: Label'")
                continue
            }
            if let first = seen[option.code] {
                fail(optionMark, "option code '\(option.code)' appears twice (first at line \(first.line)); codes must be unique")
                continue
            }
            seen[option.code] = optionMark
            result.append(option)
        }
        if result.isEmpty {
            fail(mark, "\(what) has no options; add at least one")
            return nil
        }
        return result
    }
}
