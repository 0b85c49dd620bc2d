import Foundation
import Results
import Store
import Survey

extension Commands {
    static let responsesImport = Command(
        name: "responses import",
        arguments: "SURVEY FILE",
        abstract: "store answers typed in from paper questionnaires (a CSV file), all or nothing",
        discussion: """
        FILE is a spreadsheet saved as CSV (UTF-8; ',' or ';' as separator) whose first row is
        the data-entry template that 'mitreden export SURVEY --header-only' writes: one row per
        returned questionnaire, one column per answer as the export has them (single, yesno,
        scale, number and text: the code, number or text; multi: 1 or 0 per option; matrix:
        the code per row; ranking: the place per option; ID.other_text: the text written on
        the "other" line). Empty cells are not answered; rows with every cell empty are skipped;
        columns may be left out. The columns 'response' and 'submitted' stay empty.
        For an invite survey, the column 'code' holds the access code written on the
        questionnaire (XXXX-XXXX-XXXX; case, spaces and dashes do not matter). Its participant
        is marked as answered and can no longer answer online; their attributes travel with
        the answers as with a web answer (attribute cells may stay empty). A code with a typo,
        an unknown code or one that has already answered (online, or in an earlier row) is an
        error. For an open survey, the attribute columns give each response its attributes.
        Every row passes the same checks as the web form (types, options, ranges, required
        questions, show_if). All or nothing: every bad cell is reported as
        FILE:LINE: error: column 'ID': … and nothing is stored until all are fixed. The
        answers are stored with the source 'paper' in one transaction ('mitreden results
        SURVEY --by source' tells web, webhook and paper apart), also after the survey closed
        (questionnaires come back by post). Files up to 32 MB.
        """,
        options: [
            Command.Option(flag: "--dry-run", value: nil, help: "check every row and report, store nothing"),
        ],
        positionals: 2...2,
        examples: ["mitreden export jugendcheck-2027 --header-only --separator ';' --output erfassung.csv",
                   "mitreden responses import jugendcheck-2027 erfassung.csv --dry-run",
                   "mitreden responses import jugendcheck-2027 erfassung.csv"],
        run: runResponsesImport)

    /// The largest file taken: about 100,000 questionnaires of a long survey.
    static let paperFileLimit = 32 * 1024 * 1024

    static func runResponsesImport(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let survey = try SurveyCatalog.survey(invocation.positionals[0], in: config.surveysDirectory)
        let path = invocation.positionals[1]
        let dryRun = invocation.flag("--dry-run")
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > paperFileLimit {
            throw InputError("mitreden: error: '\(path)' has \(size / 1_048_576) MB; paper imports take files up to \(paperFileLimit / 1_048_576) MB (about 100,000 questionnaires): split it into several files and import each")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError("mitreden: error: cannot read '\(path)'; check the file name")
        }
        guard data.count <= paperFileLimit else {
            throw InputError("mitreden: error: '\(path)' has more than \(paperFileLimit / 1_048_576) MB; split it into several files and import each")
        }
        let paper = PaperResponses(Array(data), survey: survey)
        let database = try Database(directory: config.dataDirectory)
        var errors = paper.errors
        var responses: [NewResponse] = []
        responses.reserveCapacity(paper.rows.count)
        let holders = survey.access == .invite ? try database.paperCodeHolders(paper.rows.compactMap(\.code)) : [:]
        for row in paper.rows {
            let answers = row.answers.json(in: survey)
            guard survey.access == .invite else {
                responses.append(NewResponse(surveyID: survey.id, token: nil, anonymous: survey.anonymous, carried: survey.attributes,
                                             answers: answers, source: "paper", minGroupSize: survey.minGroupSize, attributes: row.attributes))
                continue
            }
            guard let code = row.code else { continue }   // the reader reported it
            let shown = AccessCode.formatted(code)
            guard let holder = holders[code] else {
                errors.append(PaperResponseError(line: row.line, column: "code", message: "nobody has the code \(shown); check it on the questionnaire (codes erased by 'purge' are gone)"))
                continue
            }
            guard holder.surveyID == survey.id else {
                errors.append(PaperResponseError(line: row.line, column: "code", message: "the code \(shown) belongs to the survey '\(holder.surveyID)', not to \(survey.id)"))
                continue
            }
            guard !holder.answered else {
                errors.append(PaperResponseError(line: row.line, column: "code", message: "the code \(shown) has already answered (online or in an earlier import); each code answers once"))
                continue
            }
            var consistent = true
            let attributes = row.attributes.isEmpty ? [] : holder.attributes
            for (name, typed) in row.attributes {
                let held = attributes.first { $0.0 == name }?.1 ?? ""
                guard typed != held else { continue }
                errors.append(PaperResponseError(line: row.line, column: name, message: "the code's participant has '\(held)', not '\(typed.escapingControlCharacters)'; leave the cell empty, the value comes with the code"))
                consistent = false
            }
            guard consistent else { continue }
            responses.append(NewResponse(surveyID: survey.id, token: holder.token, anonymous: survey.anonymous, carried: survey.attributes,
                                         answers: answers, source: "paper", minGroupSize: survey.minGroupSize))
        }
        if !errors.isEmpty {
            let sorted = errors.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
            throw InputError(sorted.map { $0.description(path: path) }
                             + ["nothing was stored: \(counted(sorted.count, "error")) in \(path); fix the cells above and import the file again"])
        }
        let skipped = paper.emptyRows > 0 ? " (\(counted(paper.emptyRows, "empty row")) skipped)" : ""
        guard !responses.isEmpty else {
            throw InputError("mitreden: error: '\(path)' has no questionnaires below its header row\(skipped)")
        }
        if dryRun {
            Console.out("checked \(counted(responses.count, "paper response")) for \(survey.id)\(skipped): all valid; nothing was stored (--dry-run)")
            return ExitCode.ok
        }
        database.events = EventSetup.routes(config)
        do {
            try database.storePaperResponses(responses, survey: survey)
        } catch let conflict as PaperImportConflict {
            // Without errors, every row became a response, in order.
            let line = paper.rows[conflict.index].line
            throw InputError("\(path):\(line): error: column 'code': the code has answered online while the file was checked; nothing was stored, import the file again to see the rows to fix")
        }
        if survey.anonymous { database.emptyWriteAheadLog() }
        Console.out("imported \(counted(responses.count, "paper response")) into \(survey.id)\(skipped)")
        return ExitCode.ok
    }
}
