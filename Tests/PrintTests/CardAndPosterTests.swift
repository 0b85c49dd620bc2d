import Foundation
import Mail
import QR
import Store
import Survey
import Testing
@testable import Print

@Suite("Code cards and posters")
struct CardAndPosterTests {
    @Test("cards: 8 to a sheet in order, the last sheet holding the rest, each with its QR code, the short link and the code", arguments: [1, 8, 9, 19])
    func cards(_ count: Int) throws {
        let people = (1...count).map { recipient(Int64($0)) }
        let html = try CardSheet(survey: printSurvey, baseURL: base).html(people)
        let pages = sheets(html)
        #expect(pages.count == (count + 7) / 8)
        for (n, page) in pages.enumerated() {
            let onPage = Array(people[(n * 8)..<min(n * 8 + 8, count)])
            #expect(page.components(separatedBy: "<div class=\"card\">").count - 1 == onPage.count)
            for person in onPage {
                #expect(page.contains(try QRCode(text: base + "/c/" + person.code).svgPath()))
                #expect(page.contains("<p class=\"code\">\(AccessCode.formatted(person.code))</p>"))
            }
            #expect(page.contains("<span class=\"link\">umfrage.landkreis.example/c</span>") && page.contains("<p class=\"title\">Familien &amp; Bildung &lt;2027&gt;</p>"))
            #expect(page.contains("Mitmachen bis 31. März 2027") || page.contains("Mitmachen bis 30. März 2027"), "the closing date")
            #expect(page.components(separatedBy: "class=\"crop ").count - 1 == 2 * 3 + 2 * 5, "crop marks at each column and row edge")
        }
    }

    @Test("a poster is one sheet with a QR code of BASE/s/SURVEY, the link spelled out, the title and intro escaped")
    func poster() throws {
        let survey = try SurveyReader.read("""
            id: familien-2027
            title: Wie familienfreundlich ist <Herzberg> & Umgebung?
            intro: Sagen Sie uns, was gut läuft & was fehlt.
            access: open
            anonymous: true
            closes: 2027-06-30
            questions:
              - id: a
                type: yesno
                text: Frage
            """, path: "surveys/familien-2027.yml")
        let html = try Poster(survey: survey, baseURL: base).document().html
        #expect(sheets(html).count == 1)
        #expect(html.contains(try QRCode(text: base + "/s/familien-2027").svgPath()))
        #expect(html.contains("<p class=\"link\" style=\"font-size:16pt;white-space:nowrap\">\(base)/s/familien-2027</p>"), "on one line")
        #expect(html.contains(">Wie familienfreundlich ist &lt;Herzberg&gt; &amp; Umgebung?</h1>") && html.contains("was gut läuft &amp; was fehlt."))
        #expect(html.contains("Mitmachen bis 30. Juni 2027") && html.contains("Die Umfrage ist anonym."))
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src="), "nothing loaded from outside")
    }
}

@Suite("Letter templates")
struct LetterTemplateTests {
    @Test("Subject and Sender are read from the first two lines, the text from the third; Sender is optional")
    func headers() throws {
        let both = try LetterTemplate.parse("Subject: Umfrage {{survey.title}}\nSender: Amt · Straße 1\nGuten Tag,\n", path: "letter.txt")
        #expect(both.sender != nil && both.text.names.isEmpty && both.subject.names.map(\.0) == ["survey.title"])
        let noSender = try LetterTemplate.parse("Subject: Umfrage\r\nGuten Tag {{name}},\r\n", path: "letter.txt")
        #expect(noSender.sender == nil && noSender.text.names.map(\.1) == [Mark(line: 2, column: 11)])
    }

    @Test("errors name the file, line and column", arguments: [
        ("Guten Tag,\n", "letter.txt:1:1: error: the first line must be 'Subject: …'"),
        ("Subject:   \nText", "letter.txt:1:9: error: the subject is empty"),
        ("Subject: Hallo {{nmae}}\nText", "letter.txt:1:16: error: unknown placeholder {{nmae}} (did you mean {{name}}?"),
        ("Subject: Hallo\nSender: {{survey.titel}}\nText", "letter.txt:2:9: error: unknown placeholder {{survey.titel}} (did you mean {{survey.title}}?"),
        ("Subject: Hallo\n\nAbmelden: {{unsubscribe_link}}", "letter.txt:3:11: error: unknown placeholder {{unsubscribe_link}}"),
        ("Subject: Hallo\nText {{#name}}offen", "letter.txt:2:6: error:"),
    ])
    func errors(_ source: String, _ expected: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("letters-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try source.write(toFile: folder + "/letter.txt", atomically: true, encoding: .utf8)
        let errors = LetterTemplate.check(printSurvey, directory: folder).map(\.description)
        #expect(errors.count == 1 && errors[0].hasPrefix(folder + "/" + expected), "\(errors)")
    }

    @Test("check reads only the letter templates that exist, and none for open surveys")
    func onlyExisting() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("letters-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(LetterTemplate.check(printSurvey, directory: folder).isEmpty, "no letter.txt: this survey prints no letters")
        try "Subject: Your {{survey.title}}\n{{code}} {{link}} {{name}} {{survey.closes}} {{attributes.kommune}}\n"
            .write(toFile: folder + "/letter.en.txt", atomically: true, encoding: .utf8)
        #expect(LetterTemplate.check(printSurvey, directory: folder).isEmpty, "every letter placeholder is known")
        try "Subject: x {{code}}\n{{nix}}".write(toFile: folder + "/letter.txt", atomically: true, encoding: .utf8)
        #expect(LetterTemplate.check(printSurvey, directory: folder).map(\.mark) == [Mark(line: 2, column: 1)])
    }

    @Test("the repository's letter templates are valid for every invite survey")
    func repositoryTemplates() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let surveys = try FileManager.default.contentsOfDirectory(atPath: root.path + "/surveys").filter { $0.hasSuffix(".yml") }
        for file in surveys {
            let survey = try SurveyReader.read(file: root.path + "/surveys/" + file)
            #expect(LetterTemplate.check(survey, directory: root.path + "/templates").isEmpty, "\(file)")
        }
        #expect(FileManager.default.fileExists(atPath: root.path + "/templates/letter.txt") && FileManager.default.fileExists(atPath: root.path + "/templates/letter.en.txt"))
    }
}
