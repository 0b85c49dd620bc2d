import Foundation
import Testing
@testable import Print
import Survey

/// A survey written for these tests: one question of each type, conditions of each kind.
let paperSurvey = try! SurveyReader.read("""
    id: papier
    title:
      de: Papier & Stift
      en: Paper & pen
    intro:
      de: |
        Erster Absatz.

        Zweiter Absatz.
      en: First paragraph.
    languages: [de, en]
    access: invite
    anonymous: true
    questions:
      - id: wohnort
        type: single
        text: Wo?
        options: [Stadt, Land]
        other: true
        required: true
      - id: themen
        type: multi
        text: Was?
        options: [a, b, c]
        max_choices: 2
      - id: skala
        type: scale
        text: Wie sehr?
        min: 1
        max: 5
        min_label:
          de: gar nicht
          en: not at all
        max_label:
          de: sehr
          en: very
      - id: raster
        type: matrix
        text: Raster
        rows: [r1, r2, r3]
        options: [gut, schlecht]
      - id: aktiv
        type: yesno
        text: Aktiv?
      - id: stunden
        type: number
        text: Stunden?
        min: 0
        max: 80
        decimals: 1
        show_if: aktiv == yes
      - id: warum
        type: text
        text: Warum?
        multiline: true
        max_length: 1000
        show_if: skala <= 2 and (themen contains a or wohnort == Land)
      - id: nicht
        type: yesno
        text: Sonst?
        show_if: not stunden answered
      - id: reihe
        type: ranking
        text: Reihenfolge
        options: [x, y, z, w]
        max_ranked: 2
    """, path: "papier.yml")

@Suite("Paper questionnaire")
struct QuestionnaireTests {
    let german = Questionnaire(survey: paperSurvey, language: "de").document().html
    let english = Questionnaire(survey: paperSurvey, language: "en").document().html

    func fieldset(_ html: String, _ number: Int) -> String {
        let start = html.range(of: "<fieldset class=\"question\" id=\"q\(number)\"")!
        let end = html.range(of: "</fieldset>", range: start.upperBound..<html.endIndex)!
        return String(html[start.lowerBound..<end.upperBound])
    }

    func count(_ text: String, _ part: String) -> Int { text.components(separatedBy: part).count - 1 }

    @Test("every question is a numbered fieldset whose legend is a heading; the title and intro come first")
    func structure() {
        #expect(german.contains("<html lang=\"de\">") && german.contains("<h1>Papier &amp; Stift</h1>"))
        #expect(german.contains("<p class=\"intro\">Erster Absatz.</p>\n<p class=\"intro\">Zweiter Absatz.</p>"))
        #expect(count(german, "<fieldset class=\"question\"") == paperSurvey.questions.count)
        for (index, q) in paperSurvey.questions.enumerated() {
            let block = fieldset(german, index + 1)
            #expect(block.contains("<legend><h2><span class=\"number\">\(index + 1).</span>") && block.contains("data-question=\"\(q.id)\""))
        }
        #expect(german.contains("break-inside:avoid") && german.contains("font-size:11pt"))
        #expect(!german.contains("http://") && !german.contains("https://") && !german.contains("<script"))
    }

    @Test("a box per option: round for one answer, square for several, other with a line, max_choices in words")
    func choices() {
        let single = fieldset(german, 1)
        #expect(count(single, "box round") == 3 && single.contains("Sonstiges, und zwar:") && single.contains("class=\"fill\""))
        #expect(single.contains("(Pflichtfrage)") && single.contains("Bitte eine Antwort ankreuzen."))
        let multi = fieldset(german, 2)
        #expect(count(multi, "<span class=\"box\" aria-hidden") == 3 && count(multi, "box round") == 0)
        #expect(multi.contains("Mehrere Antworten möglich, höchstens zwei."))
        #expect(fieldset(english, 2).contains("Several answers possible, at most two."))
        let yesno = fieldset(german, 5)
        #expect(count(yesno, "box round") == 2 && yesno.contains(">Ja<") && yesno.contains(">Nein<"))
        #expect(fieldset(english, 5).contains(">Yes<"))
    }

    @Test("scales, matrices and rankings: boxes under the points with end labels, a table of rows × options, a box per place")
    func grids() {
        let scale = fieldset(german, 3)
        #expect(count(scale, "box round") == 5 && count(scale, "<th scope=\"col\">") == 5)
        #expect(scale.contains("<td class=\"end low\">gar nicht</td>") && scale.contains("<td class=\"end high\">sehr</td>"))
        let matrix = fieldset(german, 4)
        #expect(count(matrix, "box round") == 6 && count(matrix, "<th scope=\"row\">") == 3 && count(matrix, "<th scope=\"col\">") == 2)
        let ranking = fieldset(german, 9)
        #expect(count(ranking, "box place") == 4 && ranking.contains("Bitte die Plätze 1 bis 2 vergeben"))
    }

    @Test("numbers get a box per digit and their range in words; texts get lines")
    func writing() {
        let number = fieldset(german, 6)
        #expect(count(number, "box digit") == 3 && number.contains("<span class=\"comma\">,</span>"))
        #expect(number.contains("Bitte eine Zahl von 0 bis 80 eintragen, mit höchstens einer Nachkommastelle."))
        #expect(fieldset(english, 6).contains("Please enter a number from 0 to 80 with at most one decimal place."))
        let text = fieldset(german, 7)
        #expect(count(text, "class=\"line\"") == 5 && text.contains("Höchstens 1000 Zeichen."))
    }

    @Test("show_if is written out with question numbers and labels", arguments: [
        ("de", 6, "Nur beantworten, wenn bei Frage 5 „Ja“ angekreuzt ist."),
        ("en", 6, "Only answer if “Yes” is ticked in question 5."),
        ("de", 7, "Nur beantworten, wenn bei Frage 3 ein Wert von höchstens 2 angekreuzt ist und (bei Frage 2 „a“ angekreuzt ist oder bei Frage 1 „Land“ angekreuzt ist)."),
        ("en", 7, "Only answer if a value of at most 2 is ticked in question 3 and (“a” is ticked in question 2 or “Land” is ticked in question 1)."),
        ("de", 8, "Nur beantworten, wenn Frage 6 nicht beantwortet ist."),
        ("en", 8, "Only answer if question 6 is not answered."),
    ])
    func conditions(_ language: String, _ number: Int, _ sentence: String) {
        let html = language == "de" ? german : english
        #expect(fieldset(html, number).contains("<p class=\"when\">\(HTML.escape(sentence))</p>"), "\(fieldset(html, number))")
    }

    @Test("conditions on numbers say number and limit", arguments: [
        ("stunden > 3", "de", "bei Frage 6 eine Zahl größer als 3 eingetragen ist"),
        ("stunden >= 2.5", "de", "bei Frage 6 eine Zahl von mindestens 2,5 eingetragen ist"),
        ("stunden == 4", "en", "the number 4 is entered in question 6"),
        ("wohnort != Stadt", "de", "bei Frage 1 etwas anderes als „Stadt“ angekreuzt ist"),
        ("wohnort in [Stadt, Land]", "en", "“Stadt” or “Land” is ticked in question 1"),
        ("raster.r2 == gut", "de", "bei Frage 4 in der Zeile „r2“ „gut“ angekreuzt ist"),
        ("not themen contains b", "en", "“b” is not ticked in question 2"),
        ("not (skala > 3)", "de", "nicht zutrifft, dass bei Frage 3 ein Wert größer als 3 angekreuzt ist"),
    ])
    func numberConditions(_ expression: String, _ language: String, _ clause: String) throws {
        let words = ConditionWords(survey: paperSurvey, language: language)
        #expect(words.clause(try Condition.parse(expression)) == clause)
    }

    @Test("invite surveys have a field of 12 boxes for the access code on the first page; open surveys none")
    func codeField() {
        let code = german.components(separatedBy: "<fieldset")[0]
        #expect(code.contains("<h2 id=\"code-title\">Zugangscode</h2>") && count(code, "box digit") == 12 && count(code, "class=\"dash\"") == 2)
        #expect(code.contains("Er wird nicht mit den Antworten gespeichert."), "anonymous: the code is not stored with the answers")
        var open = paperSurvey
        open.access = .open
        #expect(!Questionnaire(survey: open, language: "de").document().html.contains("Zugangscode"))
    }

    @Test("languages written right to left get dir=rtl; fixed words of other languages are English")
    func otherLanguages() throws {
        var arabic = paperSurvey
        arabic.languages = ["de", "ar"]
        let html = Questionnaire(survey: arabic, language: "ar").document().html
        #expect(html.contains("<html lang=\"ar\">") && html.contains("<main class=\"questionnaire\" dir=\"rtl\">") && html.contains("Please tick one answer."))
        #expect(html.contains("Page \" counter(page) \" of \" counter(pages)"))
    }
}
