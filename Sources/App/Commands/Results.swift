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
        and where only one group is withheld the next smallest is too. Formats: text (for the
        terminal) and json (the results document); csv and html are not built yet.
        """,
        options: [
            Command.Option(flag: "--by", value: "ATTR", help: "also break the results down by this attribute"),
            Command.Option(flag: "--format", value: "FORMAT", help: "text (default) or json"),
            Command.Option(flag: "--lang", value: "LANG", help: "labels in this language of the survey (default: its first)"),
            Command.Option(flag: "--output", value: "FILE", help: "write to FILE instead of standard output (never overwrites)"),
        ],
        positionals: 1...1,
        examples: ["mitreden results jugendcheck-2027", "mitreden results jugendcheck-2027 --by kommune --format json --output ergebnisse.json"],
        run: runResults)

    static func runResults(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let survey = try SurveyCatalog.survey(invocation.positionals[0], in: config.surveysDirectory)
        let format = invocation.options["--format"] ?? "text"
        guard format == "text" || format == "json" else {
            throw UsageError(message: "--format \(format) is not available (text or json; csv and html are not built yet)", command: results)
        }
        let language = invocation.options["--lang"] ?? survey.defaultLanguage
        guard survey.languages.contains(language) else {
            throw InputError("mitreden: error: \(survey.id) has no language '\(language)' (languages: \(survey.languages.joined(separator: ", ")))")
        }
        let by = invocation.options["--by"]
        if let by, !survey.attributes.contains(by) {
            throw InputError("mitreden: error: \(survey.id) carries no attribute '\(by)' into its responses (attributes: \(survey.attributes.isEmpty ? "none" : survey.attributes.joined(separator: ", ")))")
        }
        let database = try Database(directory: config.dataDirectory)
        let responses = try database.storedResponses(surveyID: survey.id).map { row -> StoredResponse in
            let attributes = Dictionary(((try? JSONParser.parse(row.attributes))?.stringMembers ?? []), uniquingKeysWith: { $1 })
            let stored = survey.storedAnswers((try? JSONParser.parse(row.answers)) ?? .object([]))
            return StoredResponse(attributes: attributes, answers: stored.answers, other: stored.other)
        }
        let invited = survey.access == .invite ? try database.invitedCounts(surveyID: survey.id, by: by) : nil
        let document = ResultsDocument(survey: survey, language: language, responses: responses, invited: invited?.total,
                                       invitedByValue: invited?.byValue ?? [:]).json(by: by)
        let output = format == "json" ? document.serialized(pretty: true) + "\n" : TextReport.render(document)
        if let path = invocation.options["--output"] {
            guard !FileManager.default.fileExists(atPath: path) else {
                throw InputError("mitreden: error: '\(path)' exists; choose another name or remove it first")
            }
            guard FileManager.default.createFile(atPath: path, contents: Data(output.utf8)) else {
                throw OutsideError(message: "cannot write '\(path)'; check the folder and the disk")
            }
        } else {
            Console.write(1, output)
        }
        return ExitCode.ok
    }
}
