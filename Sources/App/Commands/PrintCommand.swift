import Foundation
import Print
import Survey

extension Commands {
    static let printQuestionnaire = Command(
        name: "print",
        arguments: "SURVEY",
        abstract: "the paper questionnaire: a print-ready HTML document with boxes to tick",
        discussion: """
        Writes the survey as a questionnaire on A4 paper: one self-contained HTML file (nothing
        loaded from outside) that any browser opens and prints, or saves as PDF. The title and
        intro come first; for an invite survey, a field of 12 boxes for the access code
        (XXXX-XXXX-XXXX) from the person's letter or card. Every question is numbered, with a
        round box per option where one answer is asked for and a square one where several
        are possible (max_choices said in words), scales as boxes under their points with the
        end labels, matrices as tables with a box per row and option, rankings with a box per
        option for its place, boxes or lines for numbers (their range and decimals said in
        words) and lines for texts. show_if is written out ("Nur beantworten, wenn bei Frage 4
        „Ja“ angekreuzt ist."), required questions are marked, and no question is split
        across two pages. In the survey's first language (its default), or with --lang in
        another of its languages. Type the returned questionnaires into the template of
        'mitreden export SURVEY --header-only' and store them with 'mitreden responses import'.
        """,
        options: [
            Command.Option(flag: "--lang", value: "LANG", help: "one of the survey's languages (default: its first)"),
            Command.Option(flag: "--output", value: "FILE", help: "write to FILE instead of standard output (never overwrites)"),
        ],
        positionals: 1...1,
        examples: ["mitreden print jugendcheck-2027 --output fragebogen.html",
                   "mitreden print familienfreundlichkeit-herzberg --lang en --output questionnaire.html",
                   "chromium --headless --print-to-pdf=fragebogen.pdf fragebogen.html"],
        run: runPrint)

    static func runPrint(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let survey = try SurveyCatalog.survey(invocation.positionals[0], in: config.surveysDirectory)
        let language = try reportLanguage(invocation, survey)
        try writeOutput(Questionnaire(survey: survey, language: language).document().html, invocation)
        return ExitCode.ok
    }
}
