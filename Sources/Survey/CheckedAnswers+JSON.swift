import JSON

extension CheckedAnswers {
    /// The answers as stored: one member per answered question in question order, codes not
    /// labels; `ID.other` holds the text of an `other` option.
    public func json(in survey: Survey) -> JSONValue {
        var members: [(String, JSONValue)] = []
        for q in survey.questions {
            guard let answer = answers[q.id] else { continue }
            switch answer {
            case .choice(let code): members.append((q.id, .string(code)))
            case .choices(let codes): members.append((q.id, .array(codes.map(JSONValue.string))))
            case .number(let n): members.append((q.id, n == n.rounded() && abs(n) < 1e15 ? .int(Int(n)) : .double(n)))
            case .text(let text): members.append((q.id, .string(text)))
            case .order(let codes): members.append((q.id, .array(codes.map(JSONValue.string))))
            case .rows(let rows):
                guard case .matrix(let declared, _) = q.kind else { continue }
                members.append((q.id, .object(declared.compactMap { row in rows[row.code].map { (row.code, .string($0)) } })))
            }
            if let other = otherTexts[q.id] { members.append((q.id + ".other", .string(other))) }
        }
        return .object(members)
    }
}
