import Foundation
import Results
import Store
import Survey

extension Commands {
    static let export = Command(
        name: "export",
        arguments: "SURVEY",
        abstract: "the raw responses as CSV, one row per response, with a codebook",
        discussion: """
        One row per response: its random id, the day (anonymous surveys) or time it was given,
        the carried attributes, and one column per answer named by the question's id: multi as
        one 0/1 column per option (ID.CODE), matrix as one column per row (ID.ROW), ranking as
        one column per option with its place, other texts in ID.other_text. Names, emails and
        links are never exported. In anonymous surveys, attributes whose combination fewer than
        min_group_size responses share are written as '*'. --codebook FILE writes the codebook
        (every column with the question's text, type, codes and labels) beside it.
        CSV is UTF-8 with BOM; --separator ';' for German spreadsheets.
        --header-only writes the header row alone: the data-entry template for typing in
        returned paper questionnaires ('mitreden print', then 'mitreden responses import').
        For an invite survey it starts with a 'code' column for the access code written on
        each questionnaire (the export itself never has codes).
        """,
        options: [
            Command.Option(flag: "--output", value: "FILE", help: "write to FILE instead of standard output (never overwrites)"),
            Command.Option(flag: "--codebook", value: "FILE", help: "also write the codebook to FILE (never overwrites)"),
            Command.Option(flag: "--separator", value: "SEP", help: "',' (default) or ';'"),
            Command.Option(flag: "--lang", value: "LANG", help: "codebook labels in this language of the survey (default: its first)"),
            Command.Option(flag: "--header-only", value: nil, help: "only the header row: the template for answers typed in from paper"),
        ],
        positionals: 1...1,
        examples: ["mitreden export jugendcheck-2027 --output antworten.csv --codebook codebuch.csv",
                   "mitreden export jugendcheck-2027 --header-only --separator ';' --output erfassung.csv"],
        run: runExport)

    static func runExport(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let survey = try SurveyCatalog.survey(invocation.positionals[0], in: config.surveysDirectory)
        let separator = try csvSeparator(invocation, command: export)
        let language = try reportLanguage(invocation, survey)
        let export = Export(survey: survey, language: language)
        for path in [invocation.options["--output"], invocation.options["--codebook"]].compactMap({ $0 }) where FileManager.default.fileExists(atPath: path) {
            throw InputError("mitreden: error: '\(path)' exists; choose another name or remove it first")
        }
        if let codebook = invocation.options["--codebook"] {
            try writeFile(codebook, export.codebook(separator: separator))
        }
        if invocation.flag("--header-only") {
            try writeOutput(export.dataEntryTemplate(separator: separator), invocation)
            return ExitCode.ok
        }
        let database = try Database(directory: config.dataDirectory)
        let line = ProgressLine("export", total: try database.responseCount(surveyID: survey.id))
        // Written as it is made: a million responses never sit in memory at once.
        var file: FileHandle?
        if let path = invocation.options["--output"] {
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw OutsideError(message: "cannot write '\(path)'; check the folder and the disk")
            }
            file = handle
        }
        defer { try? file?.close() }
        do {
            try export.csv(database, separator: separator, progress: { line.update($0) }) { part in
                if let file { try file.write(contentsOf: Data(part.utf8)) } else { Console.write(1, part) }
            }
        } catch {
            // No half a file: it could be taken for the whole export.
            if let path = invocation.options["--output"] { try? FileManager.default.removeItem(atPath: path) }
            throw error
        }
        line.finish()
        return ExitCode.ok
    }
}
