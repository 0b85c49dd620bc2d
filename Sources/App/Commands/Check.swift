import Foundation
import JSON
import Mail
import Print
import Survey
import Web

extension Commands {
    static let check = Command(
        name: "check",
        arguments: "[PATH…]",
        abstract: "validate survey files and the mail and letter templates they use",
        discussion: """
        Reads each survey file (default: every *.yml in the surveys folder), each mail
        template it names and, for invite surveys, the letter templates (letter.txt,
        letter.LANG.txt) that exist, and prints every problem as FILE:LINE:COLUMN: error: MESSAGE.
        A PATH may be a file or a folder. Exits 0 when all are valid, 1 otherwise.
        """,
        options: [Command.Option(flag: "--print", value: nil, help: "write each survey as understood, as JSON")],
        positionals: 0...Int.max,
        examples: ["mitreden check", "mitreden check surveys/jugendcheck-2027.yml", "mitreden check --print surveys/jugendcheck-2027.yml"],
        run: runCheck)

    static func runCheck(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        var paths: [String] = []
        for path in invocation.positionals.isEmpty ? [config.surveysDirectory] : invocation.positionals {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw InputError("mitreden: error: '\(path)' does not exist; name a survey file or folder")
            }
            paths += isDirectory.boolValue ? try SurveyCatalog.files(in: path) : [path]
        }
        guard !paths.isEmpty else { throw InputError("mitreden: error: no survey files (*.yml) found; write one in \(config.surveysDirectory)") }
        let catalog = SurveyCatalog.load(paths)
        var errors = catalog.errors
        do { _ = try PageFrame.load(directory: config.templatesDirectory) } catch let error as TemplateError { errors.append(error.description) }
        for survey in catalog.surveys {
            let templateErrors = (MailTemplate.check(survey, directory: config.templatesDirectory)
                + LetterTemplate.check(survey, directory: config.templatesDirectory)).map(\.description)
            errors += templateErrors
            if !invocation.flag("--print") && templateErrors.isEmpty {
                Console.out("ok \(survey.sourcePath): \(survey.id), \(counted(survey.questions.count, "question"))\(survey.isPaged ? " on \(survey.pages.count) pages" : ""), \(survey.access.rawValue), languages \(survey.languages.joined(separator: ", "))")
            }
        }
        if invocation.flag("--print") && errors.isEmpty {
            let documents = catalog.surveys.map(\.json)
            Console.out((documents.count == 1 ? documents[0] : .array(documents)).serialized(pretty: true))
        }
        guard errors.isEmpty else {
            let files = Set(errors.map { $0.split(separator: ":").first.map(String.init) ?? "" }).count
            throw InputError(errors + ["\(counted(errors.count, "error")) in \(counted(files, "file")); nothing is wrong with the other files"])
        }
        if !invocation.flag("--print") { Console.out("\(counted(catalog.surveys.count, "survey")) checked, all valid") }
        return ExitCode.ok
    }
}
