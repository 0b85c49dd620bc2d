import Foundation
import Store
import Survey

extension Commands {
    static let codes = Command(
        name: "codes",
        arguments: "SURVEY",
        abstract: "create participants without email, each with an access code (code cards for a class or a youth club)",
        discussion: """
        Creates N participants of an invite survey who have neither email nor postal address:
        each has an access code (XXXX-XXXX-XXXX) that leads to a personal form, typed at
        BASE/c or read from the QR code of a card. Print them as cards with
        'mitreden letters SURVEY --layout cards'. The survey's attributes travel with the
        answers for breakdowns: give each batch its values with --set (every attribute of the
        survey must have one), e.g. one batch per class or school.
        Like a mailed link, each code answers once. In an anonymous survey nothing links a
        code to its answer.
        """,
        options: [
            .init(flag: "--count", value: "N", help: "how many codes to create (1 to 100,000)"),
            .init(flag: "--set", value: "ATTR=VALUE", help: "an attribute value for all of them; repeat for each attribute"),
        ],
        positionals: 1...1,
        examples: ["mitreden codes jugendcheck-2027 --count 28 --set kommune=Herzberg --set altersgruppe=12-14",
                   "mitreden codes jugendcheck-2027 --count 28 --set kommune=Herzberg --set altersgruppe=12-14 && mitreden letters jugendcheck-2027 --layout cards --output klasse-7a.html"],
        run: runCodes)

    static func runCodes(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let survey = try SurveyCatalog.survey(invocation.positionals[0], in: config.surveysDirectory)
        guard survey.access == .invite else {
            throw InputError("mitreden: error: \(survey.id) is an open survey (access: open); everyone answers through its one link. Print a poster instead: mitreden poster \(survey.id)")
        }
        guard let text = invocation.options["--count"] else {
            throw UsageError(message: "codes needs --count N (how many codes to create)", command: codes)
        }
        guard let count = Int(text), text.allSatisfy(\.isNumber), (1...100_000).contains(count) else {
            throw InputError("mitreden: error: --count '\(text)' must be a number from 1 to 100,000")
        }
        var attributes: [(String, String)] = []
        for setting in invocation.values["--set"] ?? [] {
            guard let eq = setting.firstIndex(of: "="), eq != setting.startIndex else {
                throw InputError("mitreden: error: --set '\(setting)' must be ATTR=VALUE, e.g. --set kommune=Herzberg")
            }
            let name = String(setting[..<eq]), value = String(setting[setting.index(after: eq)...])
            guard survey.attributes.contains(name) else {
                throw InputError("mitreden: error: --set \(name): \(survey.id) has no attribute '\(name)' (its attributes: \(survey.attributes.isEmpty ? "none" : survey.attributes.joined(separator: ", ")))")
            }
            guard !attributes.contains(where: { $0.0 == name }) else { throw InputError("mitreden: error: --set \(name) is given twice; give each attribute once") }
            guard !value.isEmpty, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw InputError("mitreden: error: --set \(name) needs a value without control characters, e.g. --set \(name)=Herzberg")
            }
            attributes.append((name, value))
        }
        let missing = survey.attributes.filter { name in !attributes.contains { $0.0 == name } }
        guard missing.isEmpty else {
            throw InputError("mitreden: error: \(survey.id) carries the attributes \(survey.attributes.joined(separator: ", ")) into its results; give \(missing.map { "--set \($0)=…" }.joined(separator: " ")) too")
        }
        attributes.sort { a, b in survey.attributes.firstIndex(of: a.0)! < survey.attributes.firstIndex(of: b.0)! }
        let database = try Database(directory: config.dataDirectory)
        try database.createCodeParticipants(count, survey: survey, attributes: attributes)
        let description = attributes.map { "\($0.0)=\($0.1)" }.joined(separator: ", ")
        Console.out("created \(counted(count, "access code")) for \(survey.id)\(description.isEmpty ? "" : " (\(description))"); print them with: mitreden letters \(survey.id) --layout cards --output codes.html")
        return ExitCode.ok
    }
}
