import Foundation
import Testing
@testable import Mail
@testable import Survey

@Suite("Mail templates (Mustache subset)")
struct TemplateTests {
    @Test("values, dotted names and sections render; HTML escapes every value, text does not")
    func rendering() throws {
        let template = try Template("Hallo{{#name}} {{name}}{{/name}}{{^name}} zusammen{{/name}}: {{survey.title}} <{{link}}>", path: "t.txt")
        let values = ["name": "Anna <b>&", "survey.title": "Jugendcheck", "link": "https://x/t/abc?a=1&b=2"]
        #expect(template.render(values, escapeHTML: false) == "Hallo Anna <b>&: Jugendcheck <https://x/t/abc?a=1&b=2>")
        #expect(template.render(values, escapeHTML: true) == "Hallo Anna &lt;b&gt;&amp;: Jugendcheck <https://x/t/abc?a=1&amp;b=2>")
        #expect(template.render(["survey.title": "J"], escapeHTML: false) == "Hallo zusammen: J <>")
    }

    @Test("a compiled template fills the known values once and the slots per rendering, sections on either")
    func compiled() throws {
        let template = try Template("{{#survey.closes}}bis {{survey.closes}}: {{/survey.closes}}{{^survey.title}}x{{/survey.title}}"
                                    + "Hallo{{#name}} {{name}}{{/name}}{{^name}} zusammen{{/name}} <{{link}}> {{unknown}}.", path: "t.txt")
        let known = ["survey.closes": "31. März <2027>", "survey.title": "J"]
        let html = template.compiled(known: known, slots: ["name", "link"], escapeHTML: true)
        let text = template.compiled(known: known, slots: ["name", "link"], escapeHTML: false)
        func render(_ compiled: CompiledTemplate, _ values: [String]) -> String {
            var out: [UInt8] = []
            compiled.render(values, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(render(html, ["Jörg & \"Anna\"", "https://x/t/a?b=1&c=2"])
                == "bis 31. März &lt;2027&gt;: Hallo Jörg &amp; &quot;Anna&quot; <https://x/t/a?b=1&amp;c=2> .")
        #expect(render(text, ["", "https://x/t/a"]) == "bis 31. März <2027>: Hallo zusammen <https://x/t/a> .")
        #expect(render(text, ["Ada", "l"]) == template.render(known.merging(["name": "Ada", "link": "l"]) { $1 }, escapeHTML: false),
                "compiled and uncompiled agree")
    }

    @Test("the quoted-printable form renders exactly the encoding of the plain rendering", arguments: [
        "Hallo {{name}},\n\nhier ist dein Link:\n{{link}}\n\nDanke!\n",
        "{{name}} \nZeile mit Leerzeichen am Ende \n\tTab\t\nEnde ohne Zeilenende {{link}}",
        String(repeating: "Lange Zeile mit Umlauten äöü und {{name}} in der Mitte ", count: 4) + "\n" + String(repeating: "ß", count: 80) + "\n",
        "a\r\n{{#name}}Hallo {{name}},\r\nschön\r\n{{/name}}{{^name}}Hallo zusammen,\r\n{{/name}}= {{link}} =\r\n",
        "{{#link}}\n{{/link}}{{name}}\n\n\n{{link}}",
    ])
    func quotedPrintable(_ source: String) throws {
        let template = try Template(source, path: "t.txt")
        let values = [["Jörg Müller ", "https://x/t/a?b=1&c=2"], ["", "l"], ["Anna\nZwei Zeilen <b>", String(repeating: "x", count: 90)]]
        for escapeHTML in [false, true] {
            let compiled = template.compiled(known: [:], slots: ["name", "link"], escapeHTML: escapeHTML)
            let encoded = compiled.quotedPrintable()
            for value in values {
                var plain: [UInt8] = [], expected: [UInt8] = [], actual: [UInt8] = []
                compiled.render(value, into: &plain)
                MIME.quotedPrintable(plain, into: &expected)
                encoded.render(value, into: &actual)
                #expect(String(decoding: actual, as: UTF8.self) == String(decoding: expected, as: UTF8.self), "\(value), escapeHTML \(escapeHTML)")
            }
        }
    }

    @Test("syntax errors name file, line and column", arguments: [
        ("Hallo {{name", "t.txt:1:7: error: '{{' is not closed with '}}'"),
        ("a\n{{#name}}x", "t.txt:2:1: error: section {{#name}} is never closed; add {{/name}}"),
        ("a {{#a}}x{{/b}}", "t.txt:1:10: error: {{/b}} closes nothing here; the open section is {{#a}} from line 1"),
        ("{{ two words }}", "t.txt:1:1: error: '{{two words}}' is not a placeholder"),
    ])
    func syntaxErrors(_ text: String, _ expected: String) {
        #expect { try Template(text, path: "t.txt") } throws: { "\($0)" == expected || "\($0)".hasPrefix(expected) }
    }

    @Test("unknown placeholders are found with a suggestion, against the survey's attributes")
    func unknownNames() throws {
        let survey = try SurveyReader.read("id: s\ntitle: T\nattributes: [kommune]\nquestions:\n  - id: a\n    type: yesno\n    text: F\n", path: "s.yml")
        let template = try Template("Hi {{nmae}}\n{{attributes.kommune}} {{attributes.schule}}", path: "t.txt", firstLine: 2)
        let errors = template.unknownNames(known: MailTemplate.knownNames(for: survey))
        #expect(errors.map { "\($0.mark)" } == ["2:4", "3:24"])
        #expect(errors[0].message.hasPrefix("unknown placeholder {{nmae}} (did you mean {{name}}?"))
    }

    @Test("check finds a missing language file and a template error in the shipped-style layout")
    func check() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "Subject: Einladung {{survey.title}}\nHallo {{name}}, {{link}}\n".write(toFile: dir + "/invitation.txt", atomically: true, encoding: .utf8)
        try "Subject: Erinnerung\n{{link}} {{unsubscribe_lnk}}\n".write(toFile: dir + "/reminder.txt", atomically: true, encoding: .utf8)
        try "Subject: Invitation\n{{link}}\n".write(toFile: dir + "/invitation.en.txt", atomically: true, encoding: .utf8)
        let survey = try SurveyReader.read("id: s\ntitle: T\nlanguages: [de, en]\nquestions:\n  - id: a\n    type: yesno\n    text: F\n", path: "surveys/s.yml")
        let errors = MailTemplate.check(survey, directory: dir).map(\.description)
        #expect(errors.count == 2, "\(errors)")
        #expect(errors.contains { $0.hasPrefix(dir + "/reminder.txt:2:10: error: unknown placeholder {{unsubscribe_lnk}}") })
        #expect(errors.contains { $0.hasPrefix("surveys/s.yml:1:1: error: the mail template \(dir)/reminder.en.txt is missing (needed for language en)") })
    }

    @Test("the first line must be the subject")
    func subjectLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "Hallo {{name}}\n".write(toFile: dir + "/invitation.txt", atomically: true, encoding: .utf8)
        let survey = try SurveyReader.read("id: s\ntitle: T\nquestions:\n  - id: a\n    type: yesno\n    text: F\n", path: "s.yml")
        #expect(MailTemplate.check(survey, directory: dir).contains { $0.message.contains("first line must be 'Subject: …'") })
    }

    @Test("a template saved with CR LF line ends (Windows) has its first line as the subject and no CR in the body")
    func windowsLineEnds() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "Subject: Einladung\r\nHallo {{name}},\r\n{{link}}\r\n".write(toFile: dir + "/invitation.txt", atomically: true, encoding: .utf8)
        let survey = try SurveyReader.read("id: s\ntitle: T\nquestions:\n  - id: a\n    type: yesno\n    text: F\n", path: "s.yml")
        let template = try MailTemplate.load("invitation", language: "de", survey: survey, directory: dir, neededAt: nil)
        #expect(template.subject.render([:], escapeHTML: false) == "Einladung")
        #expect(template.text.render(["name": "Anna", "link": "L"], escapeHTML: false) == "Hallo Anna,\nL\n")
    }
}
