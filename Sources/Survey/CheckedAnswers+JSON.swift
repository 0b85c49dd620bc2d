import JSON

extension CheckedAnswers {
    /// The answers as stored: one member per answered question in question order, codes not
    /// labels; `ID.other` holds the text of an `other` option.
    public func json(in survey: Survey) -> String {
        // Written straight into bytes: this runs for every answer a form or webhook sends.
        var object = JSONObjectWriter()
        for q in survey.questions {
            guard let answer = answers[q.id] else { continue }
            switch answer {
            case .choice(let code): object.add(q.id, code)
            case .choices(let codes): object.add(q.id, codes)
            case .number(let n): object.add(q.id, number: n)
            case .text(let text): object.add(q.id, text)
            case .order(let codes): object.add(q.id, codes)
            case .rows(let rows):
                guard case .matrix(let declared, _) = q.kind else { continue }
                var chosen = JSONObjectWriter()
                for row in declared { if let code = rows[row.code] { chosen.add(row.code, code) } }
                object.add(q.id, chosen)
            }
            if let other = otherTexts[q.id] { object.add(q.id + ".other", other) }
        }
        return object.text
    }
}
