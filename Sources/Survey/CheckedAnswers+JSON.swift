import JSON

extension CheckedAnswers {
    /// The answers as stored: one member per answered question in question order, codes not
    /// labels; `ID.other` holds the text of an `other` option.
    public func json(in survey: Survey) -> String {
        // Written straight into bytes: this runs for every answer a form or webhook sends.
        var object = JSONObjectWriter()
        for index in survey.questions.indices {   // not `for q in`: a copy would retain all its fields
            let id = survey.questions[index].id
            guard let answer = answers[id] else { continue }
            switch answer {
            case .choice(let code): object.add(id, code)
            case .choices(let codes): object.add(id, codes)
            case .number(let n): object.add(id, number: n)
            case .text(let text): object.add(id, text)
            case .order(let codes): object.add(id, codes)
            case .rows(let rows):
                guard case .matrix(let declared, _) = survey.questions[index].kind else { continue }
                var chosen = JSONObjectWriter()
                for row in declared { if let code = rows[row.code] { chosen.add(row.code, code) } }
                object.add(id, chosen)
            }
            if let other = otherTexts[id] { object.add(id + ".other", other) }
        }
        return object.text
    }
}
