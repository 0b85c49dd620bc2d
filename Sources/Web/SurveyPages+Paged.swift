import Foundation
import HTTP
import Store
import Survey

/// A paged form (a survey with `- page:` entries): each "Next" checks its page and shows the
/// next page that has a question to show; the response is stored once, after the last page.
/// Between pages a personal link keeps a draft in the database (also for "Back" and
/// "Continue later"), so the link continues where its owner stopped, on any device; an open
/// survey's form carries the earlier pages' fields itself, signed (`CarriedAnswers`), so
/// nothing is kept on the server before the end.
extension SurveyPages {
    /// What a participant has given so far: every page's fields and the furthest page reached.
    struct PagedState {
        var fields: [(String, String)]
        var reached: Int
    }

    func pagedForm(_ request: Request, survey: Survey, language: String, token: String?, action: String, post: Bool) -> Reply {
        var state = PagedState(fields: [], reached: 0)
        if let token {
            do {
                if let draft = try pool.with({ try $0.draft(token: token) }) {
                    state = PagedState(fields: FormData.decode(Array(draft.fields.utf8)), reached: draft.reached)
                }
            } catch {
                return .now(Self.unavailable)
            }
        }
        guard post else {
            if state.fields.isEmpty && state.reached == 0 {
                return .now(blankForms.page(survey, language: language, action: action, shared: token == nil, frame: frame))
            }
            let checked = survey.checkForm(state.fields, language: language)
            let page = survey.resumePage(reached: state.reached, checked)
            return .now(show(survey, language, action, token, state, page: page, checked: checked))
        }
        guard Self.isFormEncoded(request.header("content-type")) else {
            return .now(.text(415, "send the form as application/x-www-form-urlencoded"))
        }
        let posted = FormData.decode(request.body)
        func last(_ name: String) -> String? { posted.last { $0.0 == name }?.1 }
        if token == nil, let carried = last("_carry") {
            guard let opened = carriedAnswers.open(carried, surveyID: survey.id) else {
                return .now(message(400, language, UIText.html("tampered.title", language), UIText.html("tampered.text", language),
                                    extra: startLink(action, language)))
            }
            state = opened
        }
        // Only a page the participant has been shown can be sent.
        guard let page = last("_page").flatMap({ Int($0) }), survey.pages.indices.contains(page), page <= state.reached else {
            return .now(message(400, language, UIText.html("unseen.title", language), UIText.html("unseen.text", language),
                                extra: startLink(action, language)))
        }
        let fields = survey.merge(carried: state.fields, posted: posted, page: page)
        let checked = survey.checkForm(fields, language: language)
        var next = PagedState(fields: fields, reached: max(state.reached, page))
        switch last("_nav") {
        case "back":
            let shown = show(survey, language, action, token, next, page: survey.page(before: page, checked), checked: checked)
            return keep(survey, language, token, next, then: shown)
        case "later" where token != nil:
            let saved = message(200, language, UIText.html("saved.title", language), UIText.html("saved.text", language),
                                extra: "<p><a href=\"\(HTML.escape(action))\">\(UIText.html("saved.continue", language))</a></p>")
            return keep(survey, language, token, next, then: saved)
        default:
            let errors = survey.errors(onPage: page, checked)
            guard errors.isEmpty else {
                return .now(show(survey, language, action, token, next, page: page, checked: checked, errors: errors, status: 422))
            }
            if let following = survey.page(after: page, checked) {
                next.reached = max(next.reached, following)
                return keep(survey, language, token, next, then: show(survey, language, action, token, next, page: following, checked: checked))
            }
            // The last page: every page is checked again (a page answered before may have been
            // changed since by going back), and the first with an error is shown.
            if let wrong = survey.firstPageWithError(checked) {
                return .now(show(survey, language, action, token, next, page: wrong, checked: checked,
                                 errors: survey.errors(onPage: wrong, checked), status: 422))
            }
            return store(request, survey: survey, language: language, token: token, checked: checked)
        }
    }

    /// A personal link's draft is kept (durably, through the writer) before `page` is sent; an
    /// open survey's form carries its state, so `page` goes out at once.
    func keep(_ survey: Survey, _ language: String, _ token: String?, _ state: PagedState, then page: Response) -> Reply {
        guard let token else { return .now(page) }
        let save = DraftSave(surveyID: survey.id, token: token, draft: Draft(reached: state.reached, fields: FormData.encode(state.fields)))
        let done = message(409, language, UIText.html("done.title", language), UIText.html("done.text", language))
        return .keepDraft(save, then: { kept in kept ? page : done }, failed: Self.unavailable)
    }

    /// Page `page` of the form with `state`'s answers filled in.
    func show(_ survey: Survey, _ language: String, _ action: String, _ token: String?, _ state: PagedState, page: Int,
              checked: CheckedAnswers, errors: [AnswerError] = [], status: Int = 200) -> Response {
        let carry = token == nil ? carriedAnswers.seal(state, surveyID: survey.id) : nil
        let paging = Self.paging(survey, language: language, page: page, fields: state.fields, reached: state.reached, carry: carry,
                                 personal: token != nil, checked: checked)
        let form = SurveyForm(survey: survey, language: language, action: action, fields: state.fields, errors: errors, paging: paging)
        return Page(frame: frame, language: language, title: Self.title(survey, language, page: page), body: form.html, status: status).response()
    }

    func startLink(_ action: String, _ language: String) -> String {
        "<p><a href=\"\(HTML.escape(action))\">\(UIText.html("start.again", language))</a></p>"
    }

    /// The page's title: the survey's, and for a paged form "page N of M" after it.
    static func title(_ survey: Survey, _ language: String, page: Int) -> String {
        let title = survey.title.text(language, default: survey.defaultLanguage)
        guard survey.isPaged else { return title }
        return title + " – " + UIText.text("page.of", language, values: [String(page + 1), String(survey.pages.count)])
    }

    /// How page `page` continues, given the fields so far.
    static func paging(_ survey: Survey, language: String, page: Int, fields: [(String, String)], reached: Int, carry: String?,
                       personal: Bool, checked: CheckedAnswers? = nil) -> FormPaging {
        let checked = checked ?? survey.checkForm(fields, language: language)
        let settled = survey.settledConditions(onPage: page, checked)
        var earlier: [String: Answer] = [:]
        for index in survey.pages[page].questions {
            guard let condition = survey.questions[index].showIf, settled[survey.questions[index].id] == nil else { continue }
            for ref in condition.references where !survey.page(page, owns: ref.question) {
                if let answer = checked.answers[ref.question] { earlier[ref.question] = answer }
            }
        }
        return FormPaging(page: page, hidden: [("_page", String(page))] + (carry.map { [("_carry", $0)] } ?? []),
                          isLast: survey.page(after: page, checked) == nil, canGoBack: page > 0, personal: personal,
                          anonymous: survey.anonymous, settled: settled, earlier: earlier)
    }
}
