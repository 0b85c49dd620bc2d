import Foundation
import Store
import Survey

extension Commands {
    static let participantsImport = Command(
        name: "participants import",
        arguments: "SURVEY FILE",
        abstract: "import or update the participants of an invite survey from a CSV file",
        discussion: """
        FILE is a spreadsheet saved as CSV (UTF-8; ',' or ';' as separator, as LibreOffice and
        Excel write it). The first row names the columns: 'email' is required, 'name' and
        'language' (one of the survey's languages) are optional; 'street', 'postcode' and
        'city' (all three) give a postal address; every other column is an attribute; the
        survey's 'attributes' must all be there. A row with an empty email and a postal
        address is a person reached by letter (mitreden letters), never by mail. Emails are
        matched without regard to case, people without email by name and address: importing
        a person again updates them and keeps their personal link and access code.
        The import is all or nothing: any bad row is reported as FILE:LINE: error: … and
        nothing is imported.
        """,
        positionals: 2...2,
        examples: ["mitreden participants import jugendcheck-2027 schulen.csv",
                   "mitreden participants import familienbefragung-2027 melderegister-stichprobe.csv   # columns email;name;street;postcode;city;kommune"],
        run: runImport)

    static let participantsList = Command(
        name: "participants list",
        arguments: "SURVEY",
        abstract: "list the participants of a survey with their status",
        discussion: """
        Prints one line per participant: email (or how else they are reached: a letter, an
        access code), name, language, attributes and status
        (imported, invited, printed, answered or unsubscribed). Personal links and codes are never printed.
        """,
        positionals: 1...1,
        examples: ["mitreden participants list jugendcheck-2027"],
        run: runList)

    static func runImport(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let survey = try SurveyCatalog.survey(invocation.positionals[0], in: config.surveysDirectory)
        let path = invocation.positionals[1]
        guard survey.access == .invite else {
            throw InputError("mitreden: error: \(survey.id) is an open survey (access: open); it has one public link and no participant list")
        }
        // Mapped, not read: a file of a million rows is paged in as it is scanned, and the pages
        // read are let go every 65,536 rows.
        guard let file = MappedFile(path: path) else {
            throw InputError("mitreden: error: cannot read '\(path)'; check the file name")
        }
        let database = try Database(directory: config.dataDirectory)
        let line = ProgressLine("import", total: nil)
        var count = 0
        let summary: ImportSummary
        do {
            summary = try database.importParticipants(into: survey) { add, firstLine in
                try ParticipantList.scan(file.bytes, path: path, survey: survey, firstLine: firstLine) { participant in
                    try add(participant)
                    count += 1
                    if count % 1000 == 0 { line.update(count) }
                    if count % 65536 == 0 { file.release() }
                }
            }
            line.finish()
        } catch let error as ParticipantListErrors {
            line.finish()
            throw InputError(error.errors.map(\.description) + ["nothing was imported; fix the rows above and import the file again"])
        }
        guard count > 0 else { throw InputError("mitreden: error: '\(path)' has a header row but no participants") }
        Console.out("imported \(counted(count, "participant")) into \(survey.id): \(summary.created) new, \(summary.updated) updated")
        return ExitCode.ok
    }

    static func runList(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let survey = try SurveyCatalog.survey(invocation.positionals[0], in: config.surveysDirectory)
        let database = try Database(directory: config.dataDirectory)
        let header = ["EMAIL", "NAME", "LANGUAGE", "ATTRIBUTES", "STATUS"]
        func cells(_ p: ParticipantRow) -> [String] { [p.reach, p.name ?? "", p.language ?? survey.defaultLanguage, p.attributes, p.status] }
        // Two passes over the rows, the widths first, so that a million are never held at once.
        var widths = header.map(\.count)
        var count = 0
        try database.forEachParticipant(of: survey.id) { p in
            for (column, cell) in cells(p).enumerated() { widths[column] = max(widths[column], cell.count) }
            count += 1
        }
        guard count > 0 else {
            Console.out("\(survey.id) has no participants yet; import them with: mitreden participants import \(survey.id) FILE.csv")
            return ExitCode.ok
        }
        var output = ""
        func line(_ row: [String]) {
            output += zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingSpaces() + "\n"
            if output.utf8.count >= 1 << 16 {
                Console.write(1, output)
                output = ""
            }
        }
        line(header)
        try database.forEachParticipant(of: survey.id) { line(cells($0)) }
        Console.write(1, output)
        return ExitCode.ok
    }
}
