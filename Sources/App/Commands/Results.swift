import Foundation
import JSON
import Results
import Store
import Survey

extension Commands {
    static let results = Command(
        name: "results",
        arguments: "SURVEY",
        abstract: "tallied results, overall and broken down by a participant attribute",
        discussion: """
        Counts and percents of every question (percent of those who answered it), scale and
        number statistics (mean, median, quartiles by R's type 7, sample standard deviation),
        rankings (mean rank, first places), free text (overall only), and how many skipped a
        question or did not see it (show_if). With --by ATTR, one group per value of the
        attribute; a group with fewer responses than the survey's min_group_size is withheld,
        and where only one group is withheld the next smallest is too. --by source splits the
        answers by how they came in: web (the form), webhook and paper (typed in with
        'mitreden responses import'), withheld alike. Formats: text (for the
        terminal), json (the results document), csv (one long table for a spreadsheet: UTF-8
        with BOM; --separator ';' for German spreadsheets, with decimal commas) and html (one
        self-contained, printable report with bar charts and tables). --compare EARLIER shows
        the change since an earlier wave (another survey file): questions matched by id and
        options by code, both waves' counts and percents, the difference in percentage points
        and of the means; a question in one wave only is listed as such, and with --by a group
        withheld in either wave is withheld in both. Over many responses (20,000 and more) a
        run keeps its tallies in the database, and the next adds only the responses stored
        since; --recount counts every response afresh (and keeps that count).
        """,
        options: [
            Command.Option(flag: "--by", value: "ATTR", help: "also break the results down by this attribute, or by 'source' (web, webhook, paper)"),
            Command.Option(flag: "--format", value: "FORMAT", help: "text (default), json, csv or html"),
            Command.Option(flag: "--separator", value: "SEP", help: "csv: ',' (default) or ';' (German spreadsheets, decimal comma)"),
            Command.Option(flag: "--lang", value: "LANG", help: "labels in this language of the survey (default: its first)"),
            Command.Option(flag: "--output", value: "FILE", help: "write to FILE instead of standard output (never overwrites)"),
            Command.Option(flag: "--compare", value: "EARLIER", help: "the change since the earlier wave EARLIER (another survey): both waves and the difference"),
            Command.Option(flag: "--recount", value: nil, help: "count every stored response afresh instead of continuing the kept tally"),
        ],
        positionals: 1...1,
        examples: ["mitreden results jugendcheck-2027", "mitreden results jugendcheck-2027 --by kommune --format html --output bericht.html",
                   "mitreden results jugendcheck-2027 --by source",
                   "mitreden results fachkraeftebedarf-2027 --compare fachkraeftebedarf-2025 --by kommune --format html --output vergleich.html",
                   "mitreden results jugendcheck-2027 --format csv --separator ';' --output ergebnisse.csv"],
        run: runResults)

    static func runResults(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let survey = try SurveyCatalog.survey(invocation.positionals[0], in: config.surveysDirectory)
        let format = invocation.options["--format"] ?? "text"
        guard ["text", "json", "csv", "html"].contains(format) else {
            throw UsageError(message: "--format \(format) is not known (text, json, csv or html)", command: results)
        }
        let separator = try csvSeparator(invocation, command: results)
        let language = try reportLanguage(invocation, survey)
        let by = invocation.options["--by"]
        if let by, !ResultsTally.canBreakDown(survey, by: by) {
            throw InputError("mitreden: error: \(survey.id) carries no attribute '\(by)' into its responses (attributes: \(survey.attributes.isEmpty ? "none" : survey.attributes.joined(separator: ", ")); or 'source': web, webhook, paper)")
        }
        if let earlierID = invocation.options["--compare"] {
            try writeOutput(try comparison(survey, earlierID, by: by, format: format, separator: separator, language: language, config), invocation)
            return ExitCode.ok
        }
        let document = try ResultsDocument(survey: survey, by: by, language: language, database: Database(directory: config.dataDirectory),
                                           keeping: TallyKeeping(recount: invocation.flag("--recount"))).json()
        let output: String
        switch format {
        case "json": output = document.serialized(pretty: true) + "\n"
        case "csv": output = CSVReport.render(document, separator: separator)
        case "html": output = HTMLReport.render(document, language: language)
        default: output = TextReport.render(document)
        }
        try writeOutput(output, invocation)
        return ExitCode.ok
    }

    /// `--compare EARLIER`: the comparison with an earlier wave in `format`.
    static func comparison(_ survey: Survey, _ earlierID: String, by: String?, format: String, separator: Character, language: String,
                           _ config: Configuration) throws -> String {
        let earlier = try SurveyCatalog.survey(earlierID, in: config.surveysDirectory)
        if let by, !ResultsTally.canBreakDown(earlier, by: by) {
            throw InputError("mitreden: error: the earlier wave \(earlier.id) carries no attribute '\(by)' (attributes: \(earlier.attributes.isEmpty ? "none" : earlier.attributes.joined(separator: ", ")))")
        }
        let document = try Comparison.json(survey, with: earlier, by: by, language: language, database: Database(directory: config.dataDirectory))
        switch format {
        case "json": return document.serialized(pretty: true) + "\n"
        case "csv": return ComparisonReport.csv(document, separator: separator)
        case "html": return ComparisonReport.html(document, language: language)
        default: return ComparisonReport.text(document)
        }
    }

    /// `--separator`: `,` (default) or `;`.
    static func csvSeparator(_ invocation: Invocation, command: Command) throws -> Character {
        switch invocation.options["--separator"] ?? "," {
        case ",": return ","
        case ";": return ";"
        case let other: throw UsageError(message: "--separator '\(other)' is not supported (',' or ';')", command: command)
        }
    }

    /// `--lang`, one of the survey's languages; its first by default.
    static func reportLanguage(_ invocation: Invocation, _ survey: Survey) throws -> String {
        let language = invocation.options["--lang"] ?? survey.defaultLanguage
        guard survey.languages.contains(language) else {
            throw InputError("mitreden: error: \(survey.id) has no language '\(language)' (languages: \(survey.languages.joined(separator: ", ")))")
        }
        return language
    }

    /// Writes to `--output FILE` (never over an existing file) or to standard output.
    static func writeOutput(_ output: String, _ invocation: Invocation) throws {
        guard let path = invocation.options["--output"] else {
            Console.write(1, output)
            return
        }
        try writeFile(path, output)
    }

    /// Writes a new file; never over an existing one.
    static func writeFile(_ path: String, _ output: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw InputError("mitreden: error: '\(path)' exists; choose another name or remove it first")
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(output.utf8)) else {
            throw OutsideError(message: "cannot write '\(path)'; check the folder and the disk")
        }
    }
}
