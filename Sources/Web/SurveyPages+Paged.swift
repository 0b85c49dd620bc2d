import Foundation
import HTTP
import Store
import Survey

/// What a participant has given so far in a paged form: every page's fields and the furthest
/// page reached.
struct PagedState {
    var fields: [(String, String)]
    var reached: Int
}

/// One step of a paged form (a survey with `- page:` entries): each "Next" checks its page and
/// shows the next page that has a question to show; the answers are complete after the last.
/// Pure: where the state lives between pages is the caller's (a draft for a personal link, the
/// signed fields an open survey's form carries, `CarriedAnswers`).
enum PagedStep {
    /// Show `page`; `keep`: the state changed and is to be kept before the page goes out.
    case show(page: Int, PagedState, CheckedAnswers, errors: [AnswerError], status: Int, keep: Bool)
    /// "Continue later" (personal links): keep the state, say it is saved.
    case later(PagedState)
    /// The last page checked out and so did every other: store these answers.
    case complete(CheckedAnswers)
    /// A page the participant was never shown, or none: `400`.
    case unseen

    /// The step a POST of `posted` makes from `state`.
    static func next(_ survey: Survey, posted: [(String, String)], state: PagedState, language: String, personal: Bool) -> PagedStep {
        func last(_ name: String) -> String? { posted.last { $0.0 == name }?.1 }
        // Only a page the participant has been shown can be sent.
        guard let page = last("_page").flatMap({ Int($0) }), survey.pages.indices.contains(page), page <= state.reached else { return .unseen }
        let fields = survey.merge(carried: state.fields, posted: posted, page: page)
        let checked = survey.checkForm(fields, language: language)
        var next = PagedState(fields: fields, reached: max(state.reached, page))
        switch last("_nav") {
        case "back":
            return .show(page: survey.page(before: page, checked), next, checked, errors: [], status: 200, keep: true)
        case "stay":   // another language: the same page again (or the nearest shown), nothing checked
            let shown = survey.isShown(page: page, checked) ? page : survey.resumePage(reached: page, checked)
            return .show(page: shown, next, checked, errors: [], status: 200, keep: true)
        case "later" where personal:
            return .later(next)
        default:
            let errors = survey.errors(onPage: page, checked)
            guard errors.isEmpty else { return .show(page: page, next, checked, errors: errors, status: 422, keep: false) }
            if let following = survey.page(after: page, checked) {
                next.reached = max(next.reached, following)
                return .show(page: following, next, checked, errors: [], status: 200, keep: true)
            }
            // The last page: every page is checked again (a page answered before may have been
            // changed since by going back), and the first with an error is shown.
            if let wrong = survey.firstPageWithError(checked) {
                return .show(page: wrong, next, checked, errors: survey.errors(onPage: wrong, checked), status: 422, keep: false)
            }
            return .complete(checked)
        }
    }
}

extension SurveyPages {
    /// A paged form. Between pages a personal link keeps a draft in the database (also for
    /// "Back" and "Continue later"), so the link continues where its owner stopped, on any
    /// device; an open survey's form carries the earlier pages' fields itself, signed, so that
    /// nothing is kept on the server before the end.
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
        if token == nil {
            guard let carried = carriedAnswers.state(in: posted, surveyID: survey.id) else {
                return .now(message(400, language, UIText.html("tampered.title", language), UIText.html("tampered.text", language),
                                    extra: startLink(action, language)))
            }
            state = carried
        }
        switch PagedStep.next(survey, posted: posted, state: state, language: language, personal: token != nil) {
        case .unseen:
            return .now(message(400, language, UIText.html("unseen.title", language), UIText.html("unseen.text", language),
                                extra: startLink(action, language)))
        case .show(let page, let next, let checked, let errors, let status, let keep):
            let shown = show(survey, language, action, token, next, page: page, checked: checked, errors: errors, status: status)
            return keep ? self.keep(survey, language, token, next, then: shown) : .now(shown)
        case .later(let next):
            let saved = message(200, language, UIText.html("saved.title", language), UIText.html("saved.text", language),
                                extra: "<p><a href=\"\(HTML.escape(action))\">\(UIText.html("saved.continue", language))</a></p>")
            return keep(survey, language, token, next, then: saved)
        case .complete(let checked):
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
        let form = SurveyForm(survey: survey, language: language, action: action, fields: state.fields, errors: errors,
                              paging: Self.paging(survey, language: language, page: page, fields: state.fields, carry: carry,
                                                  personal: token != nil, checked: checked))
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
    static func paging(_ survey: Survey, language: String, page: Int, fields: [(String, String)], carry: String?,
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

/// The console's preview of a paged survey: the same pages, carried like an open survey's
/// (signed for previews only, so a preview's fields are never taken by a real form), never stored.
public struct PagedPreview: Sendable {
    let carriedAnswers: CarriedAnswers

    public init(pool: DatabasePool) {
        carriedAnswers = CarriedAnswers(pool: pool, purpose: "preview")
    }

    /// The preview's body for a GET or POST: a page of the form and its status, or nil once
    /// the answers of every page check out (the caller shows the thank-you page).
    public func respond(_ request: Request, survey: Survey, language: String, action: String) -> (body: String, status: Int)? {
        var state = PagedState(fields: [], reached: 0)
        var page = 0, status = 200, errors: [AnswerError] = []
        if request.method == "POST" {
            let posted = FormData.decode(request.body)
            guard let carried = carriedAnswers.state(in: posted, surveyID: survey.id) else {
                return ("<p>\(UIText.html("tampered.text", language))</p>", 400)
            }
            switch PagedStep.next(survey, posted: posted, state: carried, language: language, personal: false) {
            case .unseen, .later: return ("<p>\(UIText.html("unseen.text", language))</p>", 400)
            case .complete: return nil
            case .show(let shown, let next, _, let pageErrors, let pageStatus, _):
                (page, state, errors, status) = (shown, next, pageErrors, pageStatus)
            }
        }
        let carry = carriedAnswers.seal(state, surveyID: survey.id)
        let paging = SurveyPages.paging(survey, language: language, page: page, fields: state.fields, carry: carry, personal: false)
        return (SurveyForm(survey: survey, language: language, action: action, fields: state.fields, errors: errors, paging: paging).html, status)
    }
}
