import Foundation
import Store
import Survey

extension Commands {
    static let purge = Command(
        name: "purge",
        arguments: "SURVEY",
        abstract: "erase the participants' names, emails and links of a survey; responses and counts stay",
        discussion: """
        For when a survey is over and the addresses are no longer needed (DSGVO: storage
        limitation). Every participant's name, email address, personal link (token) and
        unfinished answers of a paged form (drafts) are erased so that none stays readable
        anywhere in the database files: SQLite overwrites the freed bytes with zeros
        (secure_delete) and the write-ahead log is checkpointed and emptied. Mail still queued for the survey is cancelled, addresses in stored server
        replies are removed, and copies of its mail in the outbox folder are deleted. Responses,
        results, status counts and exports stay as they were. The personal links stop working.
        This cannot be undone: purge asks for 'yes' on standard input unless --yes is given.
        Backups made before keep the addresses; delete those too.
        """,
        options: [Command.Option(flag: "--yes", value: nil, help: "do not ask for confirmation")],
        positionals: 1...1,
        examples: ["mitreden purge jugendcheck-2027", "mitreden purge jugendcheck-2027 --yes"],
        run: runPurge)

    static func runPurge(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let survey = try SurveyCatalog.survey(invocation.positionals[0], in: config.surveysDirectory)
        let database = try Database(directory: config.dataDirectory)
        let holding = try database.countHoldingPersonalData(surveyID: survey.id)
        if !invocation.flag("--yes") {
            Console.write(1, "Erase the names, emails and personal links of \(counted(holding, "participant")) of \(survey.id)? Responses and counts stay; this cannot be undone. Type 'yes' to go on: ")
            guard readLine()?.trimmingSpaces().lowercased() == "yes" else {
                throw InputError("mitreden: nothing erased. Answer 'yes' to go on, or run 'mitreden purge \(survey.id) --yes'.")
            }
        }
        let summary: PurgeSummary
        do {
            summary = try database.purge(surveyID: survey.id)
        } catch is CheckpointBusy {
            throw OutsideError(message: "the addresses are erased, but the database's write-ahead log could not be emptied because another process kept reading; run the same purge again in a moment to finish")
        }
        var removed = 0
        let outbox = MailSetup.outbox(config)
        // Copies exist only where mail went to the outbox folder: no folder, nothing to look for.
        if FileManager.default.fileExists(atPath: outbox) {
            try database.forEachMessageID(surveyID: survey.id) { id in
                if (try? FileManager.default.removeItem(atPath: "\(outbox)/\(id).eml")) != nil { removed += 1 }
            }
        }
        Console.out("erased the names, emails and links of \(counted(summary.participants, "participant")) of \(survey.id)")
        if summary.cancelled > 0 { Console.out("cancelled \(counted(summary.cancelled, "queued mail"))") }
        if removed > 0 { Console.out("removed \(counted(removed, "copy", "copies")) of its mail from \(outbox)") }
        Log.event("purge", ["survey": survey.id, "participants": String(summary.participants)])
        return ExitCode.ok
    }
}
