import Foundation
import HTTP
import Survey
import Web

extension OrganizersConsole {
    /// `GET/POST /admin/surveys/{id}/preview[?lang=L]`: the form as participants see it (the
    /// same `SurveyForm` in the same page frame), marked as a preview, whether or not the survey
    /// is open. Sending it checks the answers as the real form does and shows the errors (`422`)
    /// or the thank-you page; nothing is stored or counted. A paged survey is previewed page by
    /// page, its earlier pages carried in the form as an open survey's are.
    func preview(_ request: Request, _ survey: Survey, _ session: ConsoleSessions.Session) -> Response {
        let language = request.queryItem("lang").flatMap { survey.languages.contains($0) ? $0 : nil } ?? survey.defaultLanguage
        let action = "/admin/surveys/\(survey.id)/preview?lang=\(language)"
        let title = "Preview: " + survey.title.text(language, default: survey.defaultLanguage)
        let banner = """
        <div role="note" lang="en" style="border:3px solid #0b4f8a;padding:0 1rem;margin:1rem 0"><p><strong>Preview</strong> of „\(HTML.escape(survey.id))“ (\(HTML.escape(state(survey)))): \
        answers sent here are checked, never stored. <a href="/admin/surveys/\(HTML.escape(survey.id))">Back to the survey</a></p></div>

        """
        var response: Response
        let thanks = "<h1>\(UIText.html("thanks.title", language))</h1>\n<p>\(UIText.html("thanks.text", language))</p>\n"
            + "<p lang=\"en\"><a href=\"\(HTML.escape(action))\">Fill in the preview again</a></p>\n"
        if survey.isPaged {
            // Page by page, as participants go through it (the earlier pages carried in the form).
            let (body, status) = PagedPreview(pool: pool).respond(request, survey: survey, language: language, action: action) ?? (thanks, 200)
            return Page(frame: frame, language: language, title: title, body: banner + body, status: status).response()
        }
        if request.method == "POST" {
            let fields = FormData.decode(request.body)
            let checked = survey.checkForm(fields, language: language)
            if checked.errors.isEmpty {
                response = Page(frame: frame, language: language, title: title, body: banner + thanks).response()
            } else {
                let form = SurveyForm(survey: survey, language: language, action: action, fields: fields, errors: checked.errors)
                response = Page(frame: frame, language: language, title: title, body: banner + form.html, status: 422).response()
            }
        } else {
            let form = SurveyForm(survey: survey, language: language, action: action)
            response = Page(frame: frame, language: language, title: title, body: banner + form.html).response()
        }
        return response
    }
}
