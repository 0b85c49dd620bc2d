import Foundation
import Mail
import Print
import QR
import Store
import Survey

extension Commands {
    static let letters = Command(
        name: "letters",
        arguments: "SURVEY",
        abstract: "print letters or code cards for the participants without email (A4, personal QR codes)",
        discussion: """
        For the participants of an invite survey who have no email: those imported with a
        postal address (columns street, postcode, city) and those made by 'mitreden codes'.
        Writes one self-contained HTML document (nothing loaded from outside) that any browser
        prints on A4, or saves as PDF; print it without margins and without headers.
        --layout letter (the default): one page per person, DIN 5008 (the address in the
        window of a C6/5 or DL envelope folded twice; empty for people without an address),
        with the text of templates/letter.txt (letter.LANG.txt in the person's language):
        its first line 'Subject: …' is the subject line, an optional second line
        'Sender: …' the return line and letterhead (parts separated by ' · '), and the rest
        the letter, its line breaks kept (write each paragraph on one line). Placeholders as
        in mail templates, {{link}} being the code's link BASE/c/CODE, plus {{code}}. Below
        the text: the personal QR code, the link and the code spelled out. A text too long
        for the page is set smaller, and cut (the page says so) when even 9 pt is too large.
        --layout cards: 8 code slips on a page with crop marks, each with the survey's title,
        the QR code, the short link BASE/c, the code and the closing date.
        Without --all only those not printed before. Once the document is written, everyone
        in it counts as invited by letter ('letters printed' in 'mitreden status').
        The document goes to SURVEY-letters.html or SURVEY-cards.html in the current folder
        (SURVEY-letters-2.html and so on when that exists), to --output FILE (never
        overwritten), or with --output - to standard output.
        """,
        options: [
            .init(flag: "--layout", value: "letter|cards", help: "one letter per page (default), or 8 code cards per page"),
            .init(flag: "--all", value: nil, help: "everyone without email, also those printed before"),
            .init(flag: "--output", value: "FILE", help: "write to FILE (never overwrites; - for standard output)"),
        ],
        positionals: 1...1,
        examples: ["mitreden letters familienbefragung-2027",
                   "mitreden letters jugendcheck-2027 --layout cards --output klasse-7a.html",
                   "mitreden letters jugendcheck-2027 --layout cards --all --output alle-codes.html",
                   "chromium --headless --print-to-pdf=briefe.pdf familienbefragung-2027-letters.html"],
        run: runLetters)

    static func runLetters(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let survey = try SurveyCatalog.survey(invocation.positionals[0], in: config.surveysDirectory)
        guard survey.access == .invite else {
            throw InputError("mitreden: error: \(survey.id) is an open survey (access: open); it has no participants to write to. Print a poster with its link instead: mitreden poster \(survey.id)")
        }
        let layout = invocation.options["--layout"] ?? "letter"
        guard layout == "letter" || layout == "cards" else {
            throw UsageError(message: "--layout must be 'letter' or 'cards' (found '\(layout)')", command: letters)
        }
        let database = try Database(directory: config.dataDirectory)
        let recipients = try database.letterRecipients(surveyID: survey.id, includePrinted: invocation.flag("--all"))
        guard !recipients.isEmpty else {
            let printed = try database.letterRecipients(surveyID: survey.id, includePrinted: true).count
            Console.out(printed == 0
                ? "\(survey.id) has no participants without email; create code cards with 'mitreden codes \(survey.id) --count N', or import people with a postal address (columns street, postcode, city)"
                : "nothing to print: the \(counted(printed, "participant")) without email of \(survey.id) were printed before; print them again with --all")
            return ExitCode.ok
        }
        let output = try OutputFile(invocation.options["--output"], default: "\(survey.id)-\(layout == "cards" ? "cards" : "letters")")
        var cut = 0
        if layout == "cards" {
            let cards = CardSheet(survey: survey, baseURL: config.baseURL)
            try output.write(cards.document) { write in try cards.sheets(recipients, write) }
        } else {
            let document = LetterDocument(survey: survey, templates: try letterTemplates(for: recipients, survey: survey, config: config),
                                          baseURL: config.baseURL)
            let line = ProgressLine("letters", total: recipients.count)
            try output.write(document.document) { write in
                for (i, recipient) in recipients.enumerated() {
                    let sheet = try document.sheet(for: recipient)
                    if sheet.cut { cut += 1 }
                    try write(sheet.html)
                    if i % 100 == 0 { line.update(i) }
                }
            }
            line.finish()
        }
        try database.markPrinted(recipients.map(\.id))
        let pages = layout == "cards" ? (recipients.count + CardSheet.cardsPerSheet - 1) / CardSheet.cardsPerSheet : recipients.count
        let what = layout == "cards" ? counted(recipients.count, "code card") : counted(recipients.count, "letter")
        let summary = "wrote \(what) on \(counted(pages, "page")) to \(output.name); they count as invited by letter. Print on A4 without margins."
        if output.isStandardOutput { Console.err(summary) } else { Console.out(summary) }
        if cut > 0 {
            Console.err("mitreden: warning: the text of \(counted(cut, "letter")) is too long for one page and was cut (the page says so); shorten \(LetterTemplate.path(language: survey.defaultLanguage, survey: survey, directory: config.templatesDirectory)) and print them again with --all")
        }
        return ExitCode.ok
    }

    /// The letter templates of the languages `recipients` read, checked like `check` does.
    static func letterTemplates(for recipients: [LetterRecipient], survey: Survey, config: Configuration) throws -> [String: LetterTemplate] {
        let (templates, errors) = LetterTemplate.checked(for: recipients, survey: survey, directory: config.templatesDirectory)
        guard errors.isEmpty else { throw InputError(errors + ["nothing was printed; fix the templates and run letters again"]) }
        return templates
    }
}

/// Where a print document goes: `--output FILE` (a new file), `-` (standard output), or a
/// new file named after the document in the current folder. Written to a hidden file beside
/// it and renamed when complete, so a half-written document never looks like a whole one.
struct OutputFile {
    let name: String
    let isStandardOutput: Bool

    init(_ option: String?, default base: String) throws {
        switch option {
        case "-":
            name = "standard output"
            isStandardOutput = true
        case let path?:
            guard !FileManager.default.fileExists(atPath: path) else {
                throw InputError("mitreden: error: '\(path)' exists; choose another name or remove it first")
            }
            name = path
            isStandardOutput = false
        case nil:
            var n = 1
            var candidate = base + ".html"
            while FileManager.default.fileExists(atPath: candidate) {
                n += 1
                candidate = "\(base)-\(n).html"
            }
            name = candidate
            isStandardOutput = false
        }
    }

    /// Writes the document's opening, what `pages` hands to its writer, and its closing.
    func write(_ document: PrintDocument, pages: ((String) throws -> Void) throws -> Void) throws {
        if isStandardOutput {
            var buffer = document.opening
            try pages { page in
                buffer += page
                if buffer.utf8.count > 1 << 20 { Console.write(1, buffer); buffer = "" }
            }
            Console.write(1, buffer + document.closing)
            return
        }
        let url = URL(fileURLWithPath: name)
        let partial = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial").path
        // Names, addresses and codes: readable by the office's account only, as the database is.
        guard FileManager.default.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]), let handle = FileHandle(forWritingAtPath: partial) else {
            throw OutsideError(message: "cannot write '\(name)'; check the folder and the disk")
        }
        do {
            var buffer = document.opening
            try pages { page in
                buffer += page
                if buffer.utf8.count > 1 << 20 { try handle.write(contentsOf: Data(buffer.utf8)); buffer = "" }
            }
            try handle.write(contentsOf: Data((buffer + document.closing).utf8))
            try handle.close()
            guard !FileManager.default.fileExists(atPath: name) else {
                throw InputError("mitreden: error: '\(name)' appeared while the document was written; nothing was marked printed")
            }
            try FileManager.default.moveItem(atPath: partial, toPath: name)
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: partial)
            if error is InputError { throw error }
            if let error = error as? QRError {
                throw InputError("mitreden: error: the QR code cannot be made: \(error) (the link begins with MITREDEN_BASE_URL)")
            }
            throw OutsideError(message: "cannot write '\(name)': \(error.localizedDescription); check the folder and the disk")
        }
    }
}
