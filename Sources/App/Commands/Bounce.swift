import Foundation
import Mail
import Store

extension Commands {
    static let bounce = Command(
        name: "bounce",
        arguments: "[RECIPIENT]",
        abstract: "record a returned message (a delivery status notification) read from standard input",
        discussion: """
        For the mail relay: Postfix's pipe transport or an alias/.forward hands each message
        sent back to a bounce+ID@ address to this command. The report (RFC 3464, or a plain-text
        bounce that quotes the original) is matched to the delivery by the address it came back
        to (RECIPIENT, or the RECIPIENT or ORIGINAL_RECIPIENT environment variable, or its
        Delivered-To/X-Original-To/To headers), else by the returned Message-ID. A permanent
        failure marks the delivery failed with its status and the server's words, and no more
        mail goes to that address for the survey; a delay marks it deferred (the relay keeps
        trying). Exit 0: recorded, or a well-formed report or auto-reply with nothing to record
        (logged); 65: the input is no mail at all, or is built as no mail system builds a report
        (parts nested more than 8 levels deep, more than 100 parts, a header section over 64 KiB);
        75: the database cannot be written now (the relay retries later).
        """,
        options: [],
        positionals: 0...1,
        examples: ["mitreden bounce < returned.eml", "mitreden bounce bounce+3f9a0c1d2e4b5a6978c0d1e2@lkee.de < returned.eml"],
        run: runBounce)

    static let exitDataError: Int32 = 65
    static let exitTemporaryFailure: Int32 = 75

    static func runBounce(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let environment = ProcessInfo.processInfo.environment
        let recipient = invocation.positionals.first ?? environment["ORIGINAL_RECIPIENT"] ?? environment["RECIPIENT"]
        let input = FileHandle.standardInput.readData(ofLength: 16 << 20)
        let address = BounceAddress(pattern: config.bounceAddress, from: MailSetup.from(config))
        do {
            let database = try Database(directory: config.dataDirectory)
            database.events = EventSetup.routes(config)
            switch try BounceReport.take(Array(input), recipient: recipient, address: address, database: database) {
            case .recorded(let survey, let hard, let status):
                Log.event("bounce", ["survey": survey, "kind": hard ? "hard" : "soft", "status": status])
            case .ignored(let why):
                Log.event("bounce_ignored", ["reason": why])
            }
            return ExitCode.ok
        } catch let error as BounceReport.NotAMessage {
            Console.err("mitreden: error: standard input is not a mail message: \(error.description); pipe the returned message itself")
            return exitDataError
        } catch {
            Console.err("mitreden: error: cannot record the bounce now (\(error)); the relay should try again later")
            return exitTemporaryFailure
        }
    }
}
