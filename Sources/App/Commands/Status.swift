import Foundation
import Store
import Survey

extension Commands {
    static let status = Command(
        name: "status",
        arguments: "[SURVEY]",
        abstract: "invited, delivered, deferred, failed, unsubscribed, answered and response rate",
        discussion: """
        For each survey (or SURVEY): how many participants were invited by mail, how many
        without email were invited by letter or code card ('letters printed', counted when
        'mitreden letters' printed them), how many invitations
        were delivered, are waiting for a retry, failed (with the server's reply or the status
        of a returned report, e.g. 5.1.1) or ended unknown (the connection broke after sending:
        check those by hand; they are never resent on their own), how many addresses bounced
        (no more mail goes to them), how many unsubscribed and answered, and the response rate
        (answered over invited by mail and by letter).
        With --by ATTR, the same per value of a participant attribute; answered counts of groups
        smaller than the survey's min_group_size are withheld (shown as '<N'), and where one
        group is withheld the next smallest is too.
        """,
        options: [Command.Option(flag: "--by", value: "ATTR", help: "one line per value of this participant attribute")],
        positionals: 0...1,
        examples: ["mitreden status", "mitreden status jugendcheck-2027 --by kommune"],
        run: runStatus)

    static func runStatus(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let surveys: [Survey]
        if let id = invocation.positionals.first {
            surveys = [try SurveyCatalog.survey(id, in: config.surveysDirectory)]
        } else {
            surveys = SurveyCatalog.load(try SurveyCatalog.files(in: config.surveysDirectory)).surveys.filter { $0.access == .invite }
        }
        let by = invocation.options["--by"]
        if let by, let survey = surveys.first, !survey.attributes.contains(by) {
            throw InputError("mitreden: error: \(survey.id) has no attribute '\(by)' (attributes: \(survey.attributes.isEmpty ? "none" : survey.attributes.joined(separator: ", ")))")
        }
        let database = try Database(directory: config.dataDirectory)
        for (n, survey) in surveys.enumerated() {
            if n > 0 { Console.out("") }
            Console.out("\(survey.id) (\(survey.access.rawValue)\(survey.anonymous ? ", anonymous" : ""))")
            guard let by else {
                let s = try database.mailStatus(surveyID: survey.id).first?.1 ?? MailStatus.empty
                let rows: [(String, String)] = [
                    ("participants", "\(s.participants)"), ("invited", "\(s.invited)"), ("letters printed", "\(s.invitedByLetter)"),
                    ("delivered", "\(s.delivered)"),
                    ("deferred", "\(s.deferred)"), ("failed", "\(s.failed)"), ("unknown", "\(s.unknown)"),
                    ("reminders sent", "\(s.remindersDelivered)"), ("bounced", "\(s.bounced)"), ("unsubscribed", "\(s.unsubscribed)"),
                    ("answered", "\(s.answered)"), ("response rate", rate(s.answered, s.invitedInAll)),
                ]
                for (label, value) in rows { Console.out("  " + label.padding(toLength: 16, withPad: " ", startingAt: 0) + value) }
                for reason in try database.failureReasons(surveyID: survey.id) {
                    Console.out("    \(reason.count)× \(reason.reply)")
                }
                continue
            }
            let groups = try database.mailStatus(surveyID: survey.id, by: by)
            let hidden = SmallGroups.withheld(groups.map(\.1.answered), minimum: survey.minGroupSize)
            let header = [by, "invited", "letters", "delivered", "deferred", "failed", "unsubscribed", "answered", "rate"]
            let table = [header] + groups.enumerated().map { i, group in
                let s = group.1
                let withheld = hidden.contains(i)
                // Values imported before control characters were refused must not act on the terminal.
                return [group.0?.escapingControlCharacters ?? "(empty)", "\(s.invited)", "\(s.invitedByLetter)", "\(s.delivered)", "\(s.deferred)", "\(s.failed + s.unknown)",
                        "\(s.unsubscribed)", withheld ? "<\(survey.minGroupSize)" : "\(s.answered)", withheld ? "–" : rate(s.answered, s.invitedInAll)]
            }
            let widths = header.indices.map { c in table.map { $0[c].count }.max() ?? 0 }
            for row in table {
                Console.out("  " + row.enumerated().map { c, cell in
                    c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[c] - cell.count) + cell
                }.joined(separator: "  "))
            }
        }
        return ExitCode.ok
    }

    static func rate(_ answered: Int, _ invited: Int) -> String {
        invited == 0 ? "–" : String(format: "%.1f %%", Double(answered) * 100 / Double(invited))
    }
}
