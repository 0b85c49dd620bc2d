/// The rules of a paged form: which fields belong to a page, which pages are shown, where
/// "Next" and "Back" lead. Pure: the web side keeps the fields between pages (a draft, or the
/// signed fields an open survey's form carries) and asks these questions of them.
extension Survey {
    /// Whether a form field (`id`, `id.row`, `id.other`, `id.1`) answers a question of page `page`.
    public func page(_ page: Int, owns field: String) -> Bool {
        placeOfQuestionID[Self.questionID(of: field)]?.page == page
    }

    /// The question id a field's name starts with (before its first `.`).
    static func questionID(of field: String) -> String {
        field.utf8.firstIndex(of: 0x2E).map { String(field[..<$0]) } ?? field
    }

    /// The fields of page `page` as posted, and every other page's as carried: a form can only
    /// change the answers of the page it shows, and only with fields its form could send.
    public func merge(carried: [(String, String)], posted: [(String, String)], page: Int) -> [(String, String)] {
        carried.filter { !self.page(page, owns: $0.0) } + fields(of: page, in: posted)
    }

    /// What a state kept between pages may hold of a POST for page `page`: only the field names
    /// its questions' controls send (`id`, `id.ROW`, `id.other`, `id.N`), each value at most as
    /// long as its question allows (one character more, so the check still says it is too
    /// long), repeated pairs once, and no more values per name than the form can send (one
    /// more, so the check still sees a forged second answer). A forged form (thousands of
    /// fields, megabytes under made-up names) thus never grows a draft or a carried state.
    public func fields(of page: Int, in posted: [(String, String)]) -> [(String, String)] {
        var kept: [(String, String)] = []
        // A real form sends a few dozen fields: compared pairwise; a forged one is indexed.
        let few = posted.count <= 32
        var counts: [String: Int] = [:]
        var seen = Set<String>()
        for (name, value) in posted {
            guard let (values, characters) = fieldLimits(name, page: page) else { continue }
            let value = value.utf8.count > characters ? String(value.prefix(characters)) : value
            if few {
                guard !kept.contains(where: { $0 == (name, value) }), kept.lazy.filter({ $0.0 == name }).count < values else { continue }
            } else {
                guard counts[name, default: 0] < values, seen.insert(name + "\u{0}" + value).inserted else { continue }
                counts[name, default: 0] += 1
            }
            kept.append((name, value))
        }
        return kept
    }

    /// How many values a field of page `page` may have, and how many characters each; nil
    /// for a name no question of that page sends.
    func fieldLimits(_ name: String, page: Int) -> (values: Int, characters: Int)? {
        let dot = name.utf8.firstIndex(of: 0x2E)
        let id = dot.map { String(name[..<$0]) } ?? name
        let suffix = dot.map { String(name[name.utf8.index(after: $0)...]) }
        guard let place = placeOfQuestionID[id], place.page == page else { return nil }
        let q = questions[place.question]
        let code = (2, 1000)
        switch (q.kind, suffix) {
        case (.single, nil), (.scale, nil), (.yesno, nil), (.number, nil): return code
        case (.multi(let options, let other, _), nil): return (options.count + (other ? 2 : 1), 1000)
        case (.single(_, true), "other"?), (.multi(_, true, _), "other"?): return (2, 2001)
        case (.text(_, let maxLength), nil): return (2, maxLength + 1)
        case (.matrix(let rows, _), let row?) where rows.contains(where: { $0.code == row }): return code
        case (.ranking(let options, let maxRanked), let place?):
            return Int(place).map { (1...(maxRanked ?? options.count)).contains($0) } == true ? code : nil
        default: return nil
        }
    }

    /// Whether page `page` shows any question, given the answers checked so far. The first page
    /// always does (its first question can depend on nothing before it).
    public func isShown(page: Int, _ checked: CheckedAnswers) -> Bool {
        pages[page].questions.contains { !checked.hidden.contains(questions[$0].id) }
    }

    /// The next page after `page` that shows a question, if any.
    public func page(after page: Int, _ checked: CheckedAnswers) -> Int? {
        ((page + 1)..<pages.count).first { isShown(page: $0, checked) }
    }

    /// The page before `page` that shows a question (the first page when there is none).
    public func page(before page: Int, _ checked: CheckedAnswers) -> Int {
        (0..<page).last { isShown(page: $0, checked) } ?? 0
    }

    /// Where a participant who reached page `reached` continues: the first page up to it that
    /// is not complete (has an error, such as a required question left empty), else that page,
    /// or the first shown after it, or the last shown before it.
    public func resumePage(reached: Int, _ checked: CheckedAnswers) -> Int {
        let reached = min(max(reached, 0), firstPageWithError(checked) ?? reached, pages.count - 1)
        if isShown(page: reached, checked) { return reached }
        return page(after: reached, checked) ?? page(before: reached, checked)
    }

    /// The errors of the questions on page `page`.
    public func errors(onPage page: Int, _ checked: CheckedAnswers) -> [AnswerError] {
        checked.errors.filter { error in pages[page].questions.contains { questions[$0].id == error.question } }
    }

    /// The first page with an error, if any.
    public func firstPageWithError(_ checked: CheckedAnswers) -> Int? {
        pages.indices.first { !errors(onPage: $0, checked).isEmpty }
    }

    /// The conditions of page `page` that earlier pages already decide: question id → shown.
    /// A question whose condition refers only to questions of earlier pages is shown or not
    /// whatever is typed on its own page, so the form leaves it out or shows it plainly.
    public func settledConditions(onPage page: Int, _ checked: CheckedAnswers) -> [String: Bool] {
        var settled: [String: Bool] = [:]
        let here = Set(pages[page].questions.map { questions[$0].id })
        for index in pages[page].questions {
            guard let condition = questions[index].showIf, condition.references.allSatisfy({ !here.contains($0.question) }) else { continue }
            settled[questions[index].id] = !checked.hidden.contains(questions[index].id)
        }
        return settled
    }
}
