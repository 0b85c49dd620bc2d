import JSON

extension Survey {
    /// Checks the `answers` object of a webhook: each value must have the JSON type of its
    /// question (an option code as a string, a list for multi and ranking, an object for a
    /// matrix, a number for scale and number), then the same rules as a form apply.
    /// Messages are in English, for the systems that call the webhook.
    public func checkJSON(_ answers: JSONValue) -> CheckedAnswers {
        guard case .object(let members) = answers else {
            var result = CheckedAnswers()
            result.errors = [AnswerError(question: "", message: "answers must be a JSON object of question id to answer")]
            return result
        }
        var fields: [(String, String)] = []
        var typeErrors: [AnswerError] = []
        for (key, value) in members {
            let base = key.hasSuffix(".other") ? String(key.dropLast(6)) : key
            guard let q = question(base) else {
                typeErrors.append(AnswerError(question: key, message: "there is no question '\(key)' in this survey"))
                continue
            }
            func fail(_ expected: String) { typeErrors.append(AnswerError(question: key, message: "expected \(expected)")) }
            if key != base {
                if case .string(let text) = value { fields.append((key, text)) } else { fail("a string (the text of the 'other' option)") }
                continue
            }
            switch (q.kind, value) {
            case (_, .null): continue
            case (.single, .string(let s)), (.yesno, .string(let s)), (.text, .string(let s)): fields.append((key, s))
            case (.scale, .int(let n)): fields.append((key, String(n)))
            case (.number, .int(let n)): fields.append((key, String(n)))
            case (.number, .double(let d)): fields.append((key, JSONNumber.text(d)))
            case (.multi, .array(let items)):
                let codes = items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
                if codes.count == items.count { fields += codes.map { (key, $0) } } else { fail("a list of option codes (strings)") }
            case (.ranking, .array(let items)):
                let codes = items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
                if codes.count == items.count { fields += codes.enumerated().map { ("\(key).\($0.offset + 1)", $0.element) } } else { fail("a list of option codes in ranked order") }
            case (.matrix, .object(let rows)):
                for (row, choice) in rows {
                    if case .string(let code) = choice { fields.append(("\(key).\(row)", code)) } else { fail("an option code (string) for row '\(row)'") }
                }
            case (.single, _), (.yesno, _): fail("an option code (string)")
            case (.multi, _): fail("a list of option codes")
            case (.scale, _): fail("a whole number")
            case (.number, _): fail("a number")
            case (.text, _): fail("a string")
            case (.ranking, _): fail("a list of option codes in ranked order")
            case (.matrix, _): fail("an object of row code to option code")
            }
        }
        var checked = checkForm(fields, language: "en")
        checked.errors = typeErrors + checked.errors.filter { error in !typeErrors.contains { $0.question == error.question } }
        return checked
    }
}
