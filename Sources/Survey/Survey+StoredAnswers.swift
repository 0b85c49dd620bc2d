import JSON

extension Survey {
    /// The answers of a stored response (the JSON object `CheckedAnswers.json` wrote), with the
    /// texts of `other` options by question id. Members that no longer fit the survey are skipped.
    public func storedAnswers(_ document: JSONValue) -> (answers: [String: Answer], other: [String: String]) {
        var answers: [String: Answer] = [:]
        var other: [String: String] = [:]
        guard case .object(let members) = document else { return ([:], [:]) }
        for (key, value) in members {
            if key.hasSuffix(".other") {
                if case .string(let text) = value { other[String(key.dropLast(6))] = text }
                continue
            }
            guard let q = question(key) else { continue }
            switch (q.kind, value) {
            case (.single, .string(let code)), (.yesno, .string(let code)): answers[key] = .choice(code)
            case (.text, .string(let text)): answers[key] = .text(text)
            case (.scale, .int(let n)), (.number, .int(let n)): answers[key] = .number(Double(n))
            case (.number, .double(let d)): answers[key] = .number(d)
            case (.multi, .array(let items)): answers[key] = .choices(items.compactMap { if case .string(let s) = $0 { return s } else { return nil } })
            case (.ranking, .array(let items)): answers[key] = .order(items.compactMap { if case .string(let s) = $0 { return s } else { return nil } })
            case (.matrix, .object(let rows)):
                var chosen: [String: String] = [:]
                for (row, code) in rows { if case .string(let s) = code { chosen[row] = s } }
                answers[key] = .rows(chosen)
            default: continue
            }
        }
        return (answers, other)
    }
}
