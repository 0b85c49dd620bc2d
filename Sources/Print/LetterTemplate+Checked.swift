import Foundation
import Mail
import Store
import Survey

extension LetterTemplate {
    /// The letter templates of the languages `recipients` read (theirs when the survey has it,
    /// else its first), each checked as `check` checks it: a missing file, a syntax error or an
    /// unknown placeholder is one error that says what to write or fix. `letters` and the
    /// console print only when there is none.
    public static func checked(for recipients: [LetterRecipient], survey: Survey, directory: String) -> (templates: [String: LetterTemplate], errors: [String]) {
        let languages = Set(recipients.map { $0.language.flatMap { survey.languages.contains($0) ? $0 : nil } ?? survey.defaultLanguage })
        var templates: [String: LetterTemplate] = [:]
        var errors: [String] = []
        for language in survey.languages where languages.contains(language) {
            let path = path(language: language, survey: survey, directory: directory)
            guard FileManager.default.fileExists(atPath: path) else {
                errors.append("mitreden: error: letters need a template: write \(path), its first line 'Subject: …', then an optional 'Sender: …' line and the letter's text with {{name}}, {{code}} and {{link}} (the example templates/letter.txt of Mitreden shows one)")
                continue
            }
            do {
                let template = try load(language: language, survey: survey, directory: directory)
                errors += template.unknownNames(known: knownNames(for: survey)).map(\.description)
                templates[language] = template
            } catch let error as TemplateError {
                errors.append(error.description)
            } catch {
                errors.append("mitreden: error: \(path): \(error)")
            }
        }
        return (templates, errors)
    }
}
