/// The rules of a paged form: which fields belong to a page, which pages are shown, where
/// "Next" and "Back" lead. Pure: the web side keeps the fields between pages (a draft, or the
/// signed fields an open survey's form carries) and asks these questions of them.
extension Survey {
    /// Whether a form field (`id`, `id.row`, `id.other`, `id.1`) answers a question of page `page`.
    public func page(_ page: Int, owns field: String) -> Bool {
        let id = field.firstIndex(of: ".").map { String(field[..<$0]) } ?? field
        return pageOfQuestionID[id] == page
    }

    /// The fields of page `page` as posted, and every other page's as carried: a form can only
    /// change the answers of the page it shows.
    public func merge(carried: [(String, String)], posted: [(String, String)], page: Int) -> [(String, String)] {
        carried.filter { !self.page(page, owns: $0.0) } + posted.filter { self.page(page, owns: $0.0) }
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

    /// Where a participant who reached page `reached` continues: that page, or the first shown
    /// after it, or the last shown before it.
    public func resumePage(reached: Int, _ checked: CheckedAnswers) -> Int {
        let reached = min(max(reached, 0), pages.count - 1)
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
