import Foundation
import Mail
import Survey

/// The text of a letter: `templates/letter.txt` for the survey's default language,
/// `letter.LANG.txt` for each further one, as mail templates are named. The first line is
/// `Subject: …` (the letter's subject line); an optional `Sender: …` line after it is the
/// sender: the return line above the address and, split at " · ", the letterhead. The rest
/// is the letter's text, line breaks kept. Placeholders as in mail templates (but no
/// unsubscribe link) plus `{{code}}`; `{{link}}` is the code's link, `BASE/c/CODE`.
public struct LetterTemplate: Sendable {
    public var subject: Template
    public var sender: Template?
    public var text: Template
    /// The file it was read from.
    public var path: String

    /// The base name of letter templates.
    public static let baseName = "letter"

    /// The names a letter may use.
    public static func knownNames(for survey: Survey) -> [String] {
        ["name", "survey.title", "survey.closes", "link", "code"] + survey.attributes.map { "attributes.\($0)" }
    }

    /// Where the letter template of `language` is.
    public static func path(language: String, survey: Survey, directory: String) -> String {
        (directory as NSString).appendingPathComponent(MailTemplate.fileName(baseName, language: language, survey: survey, ext: "txt"))
    }

    /// Reads the letter template of `language`.
    /// - Throws: `TemplateError`, also when the file is missing (the message says to write it).
    public static func load(language: String, survey: Survey, directory: String) throws -> LetterTemplate {
        let path = path(language: language, survey: survey, directory: directory)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TemplateError(path: path, mark: Mark(line: 1, column: 1),
                                message: "the letter template is missing (needed for language \(language)); write \(path) with a first line 'Subject: …', an optional 'Sender: …' line and the letter's text (see templates/letter.txt of Mitreden for an example)")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw TemplateError(path: path, mark: Mark(line: 1, column: 1), message: "the template is not valid UTF-8; save it as UTF-8")
        }
        return try parse(source, path: path)
    }

    /// Parses the text of a letter template read from `path`.
    /// - Throws: `TemplateError`.
    public static func parse(_ source: String, path: String) throws -> LetterTemplate {
        // "\r\n" is one Character: line ends are unified before the text is split into lines.
        var lines = source.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        if lines.first?.hasPrefix("\u{FEFF}") == true { lines[0] = lines[0].dropFirst() }
        guard let first = lines.first, first.hasPrefix("Subject:") else {
            throw TemplateError(path: path, mark: Mark(line: 1, column: 1), message: "the first line must be 'Subject: …', the letter's subject line")
        }
        guard !first.dropFirst("Subject:".count).trimmingCharacters(in: .whitespaces).isEmpty else {
            throw TemplateError(path: path, mark: Mark(line: 1, column: 9), message: "the subject is empty; write it after 'Subject:'")
        }
        let subject = try header(first, name: "Subject:", line: 1, path: path)
        var sender: Template?
        var bodyLine = 2
        if lines.count > 1, lines[1].hasPrefix("Sender:") {
            sender = try header(lines[1], name: "Sender:", line: 2, path: path)
            bodyLine = 3
        }
        let body = lines.dropFirst(bodyLine - 1).joined(separator: "\n")
        return LetterTemplate(subject: subject, sender: sender, text: try Template(body, path: path, firstLine: bodyLine), path: path)
    }

    /// A header line's value as a template whose marks count columns from the line's start
    /// (the name is blanked out, and the spaces trimmed when rendered).
    private static func header(_ line: Substring, name: String, line number: Int, path: String) throws -> Template {
        try Template(String(repeating: " ", count: name.count) + line.dropFirst(name.count), path: path, firstLine: number)
    }

    /// One error per placeholder or section whose name is not in `known`, in file order.
    public func unknownNames(known: [String]) -> [TemplateError] {
        subject.unknownNames(known: known) + (sender?.unknownNames(known: known) ?? []) + text.unknownNames(known: known)
    }

    /// Every placeholder and section name of the template, with where it is.
    public var names: [(String, Mark)] {
        subject.names + (sender?.names ?? []) + text.names
    }

    /// The problems of a survey's letter templates: for invite surveys, each language's
    /// `letter[.LANG].txt` that exists is read and its placeholders checked (a survey prints
    /// letters only when the office writes the template; `mitreden letters` says so).
    public static func check(_ survey: Survey, directory: String) -> [TemplateError] {
        guard survey.access == .invite else { return [] }
        let known = knownNames(for: survey)
        var errors: [TemplateError] = []
        for language in survey.languages where FileManager.default.fileExists(atPath: path(language: language, survey: survey, directory: directory)) {
            do {
                errors += try load(language: language, survey: survey, directory: directory).unknownNames(known: known)
            } catch let error as TemplateError {
                errors.append(error)
            } catch {}
        }
        return errors
    }
}
