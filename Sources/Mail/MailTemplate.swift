import Foundation
import Survey

/// One mail template in one language: `NAME[.LANG].txt` (first line `Subject: …`) and an
/// optional `NAME[.LANG].html`.
public struct MailTemplate: Sendable {
    public var subject: Template
    public var text: Template
    public var html: Template?

    /// The names a survey's templates may use.
    public static func knownNames(for survey: Survey) -> [String] {
        ["name", "survey.title", "survey.closes", "link", "unsubscribe_link"] + survey.attributes.map { "attributes.\($0)" }
    }

    /// The file name for a template base name in a language: the default language has no suffix.
    public static func fileName(_ base: String, language: String, survey: Survey, ext: String) -> String {
        language == survey.defaultLanguage ? "\(base).\(ext)" : "\(base).\(language).\(ext)"
    }

    /// Loads the template `base` in `language` from `directory`.
    /// - Throws: `TemplateError` (also for a missing file).
    public static func load(_ base: String, language: String, survey: Survey, directory: String, neededAt mark: Mark?) throws -> MailTemplate {
        let textName = fileName(base, language: language, survey: survey, ext: "txt")
        let textPath = (directory as NSString).appendingPathComponent(textName)
        guard let data = FileManager.default.contents(atPath: textPath) else {
            throw TemplateError(path: survey.sourcePath, mark: mark ?? Mark(line: 1, column: 1),
                                message: "the mail template \(textPath) is missing (needed for language \(language)); create it with a first line 'Subject: …'")
        }
        guard let raw = String(data: data, encoding: .utf8) else {
            throw TemplateError(path: textPath, mark: Mark(line: 1, column: 1), message: "the template is not valid UTF-8; save it as UTF-8")
        }
        // Saved on Windows, lines end in CR LF, which Swift reads as one Character: made LF, so the
        // subject is the first line and the body keeps no stray CR.
        let source = raw.replacingOccurrences(of: "\r\n", with: "\n")
        let firstBreak = source.firstIndex(of: "\n") ?? source.endIndex
        let firstLine = source[..<firstBreak].trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        guard firstLine.hasPrefix("Subject:") else {
            throw TemplateError(path: textPath, mark: Mark(line: 1, column: 1), message: "the first line must be 'Subject: …', the mail's subject")
        }
        let subjectText = String(firstLine.dropFirst("Subject:".count)).trimmingSpaces()
        guard !subjectText.isEmpty else {
            throw TemplateError(path: textPath, mark: Mark(line: 1, column: 9), message: "the subject is empty; write it after 'Subject:'")
        }
        let body = firstBreak < source.endIndex ? String(source[source.index(after: firstBreak)...]) : ""
        let subject = try Template(subjectText, path: textPath, firstLine: 1)
        let text = try Template(body, path: textPath, firstLine: 2)
        var html: Template?
        let htmlPath = (directory as NSString).appendingPathComponent(fileName(base, language: language, survey: survey, ext: "html"))
        if let htmlData = FileManager.default.contents(atPath: htmlPath) {
            guard let htmlSource = String(data: htmlData, encoding: .utf8) else {
                throw TemplateError(path: htmlPath, mark: Mark(line: 1, column: 1), message: "the template is not valid UTF-8; save it as UTF-8")
            }
            html = try Template(htmlSource, path: htmlPath)
        }
        return MailTemplate(subject: subject, text: text, html: html)
    }

    /// Every template a survey needs (invitation and reminder in each language), loaded and
    /// checked against the names it may use. Open surveys send no mail and need none.
    public static func check(_ survey: Survey, directory: String) -> [TemplateError] {
        guard survey.access == .invite else { return [] }
        var errors: [TemplateError] = []
        let known = knownNames(for: survey)
        for (base, mark) in [(survey.mail.invitation, survey.mail.invitationMark), (survey.mail.reminder, survey.mail.reminderMark)] {
            for language in survey.languages {
                do {
                    let template = try load(base, language: language, survey: survey, directory: directory, neededAt: mark)
                    errors += template.subject.unknownNames(known: known) + template.text.unknownNames(known: known)
                        + (template.html?.unknownNames(known: known) ?? [])
                } catch let error as TemplateError {
                    errors.append(error)
                } catch {}
            }
        }
        return errors
    }
}
