import Foundation
import Print
import QR
import Survey

extension Commands {
    static let poster = Command(
        name: "poster",
        arguments: "SURVEY",
        abstract: "an A4 poster with a large QR code of an open survey's link",
        discussion: """
        For a survey with access: open, which everyone answers through one link: an A4 poster
        for a notice board in the town hall, the library, a school or a Kita. The survey's
        title, intro and closing date, its link BASE/s/SURVEY as a QR code 11.5 cm wide that
        any phone camera reads, and the link spelled out, in the survey's first language.
        One self-contained HTML page (nothing loaded from outside) that any browser prints on
        A4 or saves as PDF; print it without margins. It goes to SURVEY-poster.html in the
        current folder (SURVEY-poster-2.html and so on when that exists), to --output FILE
        (never overwritten), or with --output - to standard output.
        Invite surveys have a personal link per person: print letters or code cards with
        'mitreden letters' instead.
        """,
        options: [.init(flag: "--output", value: "FILE", help: "write to FILE (never overwrites; - for standard output)")],
        positionals: 1...1,
        examples: ["mitreden poster familienfreundlichkeit-herzberg --output aushang.html",
                   "chromium --headless --print-to-pdf=aushang.pdf aushang.html"],
        run: runPoster)

    static func runPoster(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let survey = try SurveyCatalog.survey(invocation.positionals[0], in: config.surveysDirectory)
        guard survey.access == .open else {
            throw InputError("mitreden: error: \(survey.id) is an invite survey: each person has a personal link, and a poster would let anyone answer. Print letters or code cards instead: mitreden letters \(survey.id) [--layout cards]")
        }
        let document: PrintDocument
        do {
            document = try Poster(survey: survey, baseURL: config.baseURL).document()
        } catch let error as QRError {
            throw InputError("mitreden: error: the QR code cannot be made: \(error) (the link begins with MITREDEN_BASE_URL)")
        }
        let output = try OutputFile(invocation.options["--output"], default: "\(survey.id)-poster")
        try output.write(document) { write in try write(document.body) }
        let summary = "wrote the poster of \(survey.id) (1 page, QR code of \(config.baseURL)/s/\(survey.id)) to \(output.name). Print on A4 without margins."
        if output.isStandardOutput { Console.err(summary) } else { Console.out(summary) }
        return ExitCode.ok
    }
}
