import Foundation
import Mail
import QR
import Store
import Survey
import Testing
@testable import Print

let printSurvey = try! SurveyReader.read("""
    id: brief-2027
    title:
      de: Familien & Bildung <2027>
      en: Families & education <2027>
    languages: [de, en]
    access: invite
    closes: 2027-03-31
    attributes: [kommune]
    questions:
      - id: a
        type: yesno
        text: Frage
    """, path: "surveys/brief-2027.yml")

let base = "https://umfrage.landkreis.example"

/// A letter template as an office writes it.
func letterTemplate(_ body: String, subject: String = "Ihre Meinung: {{survey.title}}",
                    sender: String? = "Landkreis Elbe-Elster · Bildungsbüro · Ludwig-Jahn-Straße 2 · 04916 Herzberg (Elster)") throws -> LetterTemplate {
    try LetterTemplate.parse("Subject: \(subject)\n" + (sender.map { "Sender: \($0)\n" } ?? "") + body, path: "templates/letter.txt")
}

func recipient(_ id: Int64, name: String? = nil, address: (String, String, String)? = nil, language: String? = nil) -> LetterRecipient {
    LetterRecipient(id: id, name: name, street: address?.0, postcode: address?.1, city: address?.2, language: language,
                    attributes: "{\"kommune\":\"Herzberg\"}", code: AccessCode.make())
}

/// The `<section class="sheet …">` elements of a document.
func sheets(_ html: String) -> [Substring] {
    html.components(separatedBy: "<section class=\"sheet").dropFirst().map { Substring($0) }
}

@Suite("Letters")
struct LetterDocumentTests {
    let body = "Guten Tag {{name}},\n\nbitte nehmen Sie bis {{survey.closes}} teil: {{link}}\nIhr Code: {{code}} ({{attributes.kommune}})\n"

    @Test("one sheet per letter, each with its own QR code of BASE/c/CODE, the link and the code spelled out")
    func oneSheetEach() throws {
        let people = [recipient(1, name: "Anna Schulz", address: ("Am Markt 1", "04916", "Herzberg (Elster)")),
                      recipient(2), recipient(3, name: "Ben", address: ("Weg 2", "03238", "Finsterwalde"), language: "en")]
        let document = LetterDocument(survey: printSurvey, templates: ["de": try letterTemplate(body), "en": try letterTemplate("Dear {{name}}, {{code}}")],
                                      baseURL: base, date: Date(timeIntervalSince1970: 1_800_000_000))
        let html = try document.html(people)
        let pages = sheets(html)
        #expect(pages.count == 3)
        for (page, person) in zip(pages, people) {
            let link = base + "/c/" + person.code
            #expect(page.contains(try QRCode(text: link).svgPath()), "the QR code of this person's link")
            #expect(page.contains("<p class=\"link\">\(link)</p>") && page.contains("<p class=\"code\">\(AccessCode.formatted(person.code))</p>"))
            #expect(page.components(separatedBy: "<svg").count == 2, "one QR code per letter")
        }
        #expect(pages[0].contains("Guten Tag Anna Schulz,") && pages[0].contains("Ihr Code: \(AccessCode.formatted(people[0].code)) (Herzberg)"))
        #expect(pages[0].contains("<p class=\"address\"><span>Anna Schulz</span><span>Am Markt 1</span><span>04916 Herzberg (Elster)</span></p>"))
        #expect(pages[0].contains("<h1 class=\"subject\">Ihre Meinung: Familien &amp; Bildung &lt;2027&gt;</h1>"))
        #expect(pages[0].contains("<p class=\"return\">Landkreis Elbe-Elster · Bildungsbüro · Ludwig-Jahn-Straße 2 · 04916 Herzberg (Elster)</p>"))
        #expect(pages[0].contains("<p class=\"org\">Landkreis Elbe-Elster</p>"), "the letterhead's first part stands out")
        #expect(pages[0].contains("15. Januar 2027") || pages[0].contains("Januar 2027"), "dated in German")
        #expect(pages[1].contains("<p class=\"address\"></p>"), "a code-only participant has an empty address block")
        #expect(pages[2].contains("lang=\"en\"") && pages[2].contains("Dear Ben,") && pages[2].contains("How to take part"))
    }

    @Test("names, addresses and attribute values with <&>\"' are escaped everywhere", arguments: [
        "<script>alert(1)</script>", "Anna & Ben \"Müller\" <b>", "O'Brien </p><p class=\"code\">FAKE",
    ])
    func escaping(_ hostile: String) throws {
        var person = recipient(1, name: hostile, address: (hostile, "04916", hostile))
        person.attributes = "{\"kommune\":\(JSONString(hostile))}"
        let document = LetterDocument(survey: printSurvey, templates: ["de": try letterTemplate(body, subject: "Für {{name}}")], baseURL: base)
        let html = try document.html([person])
        #expect(!html.contains(hostile))
        #expect(html.contains(HTML.escape(hostile)))
        #expect(!html.contains("<script") && !html.contains("<b>") && !html.contains("<p class=\"code\">FAKE"))
    }

    @Test("a short text is set at 11 pt, a longer one smaller; one too long even at 9 pt is cut at a whole line and says so")
    func longText() throws {
        let paragraph = "Der Landkreis möchte wissen, was Ihnen vor Ort wichtig ist und wo Angebote fehlen; die Ergebnisse fließen in die Bildungsplanung ein."
        func sheet(paragraphs: Int) throws -> Substring {
            let text = Array(repeating: paragraph, count: paragraphs).joined(separator: "\n\n")
            let document = LetterDocument(survey: printSurvey, templates: ["de": try letterTemplate(text)], baseURL: base)
            let pages = sheets(try document.html([recipient(1, name: String(repeating: "Sehr Langer Name ", count: 30))]))
            #expect(pages.count == 1, "still one sheet")
            return pages[0]
        }
        #expect(try sheet(paragraphs: 4).contains("font-size:11pt\">"))
        let smaller = try sheet(paragraphs: 9)
        #expect((smaller.contains("font-size:9pt\">") || smaller.contains("font-size:10pt\">")) && !smaller.contains("class=\"cut\""))
        let cut = try sheet(paragraphs: 40)
        #expect(cut.contains("font-size:9pt;height:calc(") && cut.contains("<p class=\"cut\">[Text gekürzt"))
        #expect(try !sheet(paragraphs: 4).contains("class=\"cut\""))
    }

    @Test("the fit counts lines as words wrap: a line of 100 short words needs several lines, blank lines count")
    func fitCountsLines() {
        let widths = TextFit.lineWidths(String(repeating: "wort ", count: 100) + "\n\nEnde")
        #expect(widths.count == 3)
        let lines = TextFit.count(widths, perLine: 42)
        // 100 × "wort " ≈ 100 × 2.9 em = 290 em: 7 lines of 42 em, then a blank line and "Ende".
        #expect((8...10).contains(lines), "\(lines)")
        #expect(TextFit.lineWidths("a &amp; b") == [[0.64, 0.32 + 0.7, 0.32 + 0.64]], "an entity is one character")
    }
}

/// A JSON string literal, for attributes in tests.
func JSONString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
