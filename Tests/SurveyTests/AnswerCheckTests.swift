import Foundation
import JSON
import Testing
@testable import Survey

let youth = try! SurveyReader.read(file: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("surveys/jugendcheck-2027.yml").path)

let complete: [(String, String)] = [
    ("alter", "15-17"), ("themen", "oepnv"), ("themen", "other"), ("themen.other", "Radwege"), ("zufriedenheit", "4"),
    ("aussagen.mitreden", "4"), ("aussagen.gehoert", "2"), ("engagiert", "yes"), ("stunden", "3"), ("wunsch", "Ein Jugendclub\r\nund WLAN"),
    ("vorschlaege.1", "skatepark"), ("vorschlaege.2", "wlan"), ("vorschlaege.3", "jugendtreff"),
]

func replacing(_ name: String, _ value: String?) -> [(String, String)] {
    complete.filter { $0.0 != name } + (value.map { [(name, $0)] } ?? [])
}

@Suite("Checking answers against the survey")
struct AnswerCheckTests {
    @Test("a complete form gives the stored document: codes, numbers, matrix rows, other text, order")
    func completeForm() {
        let checked = youth.checkForm(complete, language: "de")
        #expect(checked.errors.isEmpty)
        #expect(checked.json(in: youth) == #"{"alter":"15-17","themen":["oepnv","other"],"themen.other":"Radwege","zufriedenheit":4,"aussagen":{"mitreden":"4","gehoert":"2"},"engagiert":"yes","stunden":3,"wunsch":"Ein Jugendclub\nund WLAN","vorschlaege":["skatepark","wlan","jugendtreff"]}"#)
    }

    @Test("a forged form repeating a multi question's field 200,000 times (distinct values) is refused in linear time",
          .timeLimit(.minutes(1)))
    func manyValues() {
        // Quadratic, this took 19 s for 25,000 values in a debug build (the review of pages);
        // 200,000 would take more than 20 minutes.
        let forged = replacing("themen", nil) + (0..<200_000).map { ("themen", "code\($0)") }
        let checked = youth.checkForm(forged, language: "de")
        #expect(checked.errors.map(\.question) == ["themen"])
    }

    @Test("each rule gives its message at its question", arguments: [
        ("alter", nil, "alter", "Bitte diese Frage beantworten."),
        ("alter", "99", "alter", "Bitte eine der Antworten wählen."),
        ("zufriedenheit", "6", "zufriedenheit", "Bitte einen Wert von 1 bis 5 wählen."),
        ("zufriedenheit", "+4", "zufriedenheit", "Bitte einen Wert von 1 bis 5 wählen."),
        ("stunden", "81", "stunden", "Bitte höchstens 80 eingeben."),
        ("stunden", "2,5", "stunden", "Bitte eine ganze Zahl eingeben."),
        ("stunden", "drei", "stunden", "Bitte eine Zahl eingeben, zum Beispiel 3."),
        ("themen.other", nil, "themen", "Bitte „Sonstiges“ beschreiben."),
        ("aussagen.mitreden", "9", "aussagen", "Bitte in jeder Zeile eine der Antworten wählen."),
        ("vorschlaege.3", nil, "vorschlaege", "Bitte die Plätze 1 bis 3 ohne Lücke füllen."),
        ("vorschlaege.2", "skatepark", "vorschlaege", "Jeder Vorschlag darf nur einmal vorkommen."),
        ("engagiert", "vielleicht", "engagiert", "Bitte Ja oder Nein wählen."),
        ("wunsch", String(repeating: "x", count: 2001), "wunsch", "Bitte höchstens 2000 Zeichen (jetzt 2001)."),
        ("wunsch", String(repeating: "ä", count: 2001), "wunsch", "Bitte höchstens 2000 Zeichen (jetzt 2001)."),
        ("stunden", "٣", "stunden", "Bitte eine Zahl eingeben, zum Beispiel 3."),
    ] as [(String, String?, String, String)])
    func rules(_ field: String, _ value: String?, _ question: String, _ message: String) {
        let checked = youth.checkForm(replacing(field, value), language: "de")
        #expect(checked.errors == [AnswerError(question: question, message: message)])
    }

    @Test("a long form (its fields indexed) is checked like a short one (its fields searched)")
    func longForm() {
        let padding = (1...40).map { ("unbekannt\($0)", "x") }
        for extra in [[], padding] {
            #expect(youth.checkForm(complete + extra, language: "de").json(in: youth) == youth.checkForm(complete, language: "de").json(in: youth))
            #expect(youth.checkForm(complete + extra + [("alter", " 15-17 ")], language: "de").errors.isEmpty, "the same value twice is one answer")
            #expect(youth.checkForm(complete + extra + [("alter", "18-21")], language: "de").errors == [AnswerError(question: "alter", message: "Bitte nur eine Antwort geben.")])
            #expect(youth.checkForm(complete + extra + [("wunsch", "Zuletzt")], language: "de").answers["wunsch"] == .text("Zuletzt"), "text: the last value")
            #expect(youth.checkForm(complete + extra + [("themen", ""), ("themen", "oepnv")], language: "de").answers["themen"] == .choices(["oepnv", "other"]))
        }
    }

    @Test("numbers: a comma or a point, places after it, limits; anything else is no number", arguments: [
        ("2,5", nil), ("2.5", nil), ("-1.5", nil), ("3.", nil), ("2.55", "Bitte höchstens 1 Nachkommastellen."),
        ("-2", "Bitte mindestens -1,5 eingeben."), ("10.5", "Bitte höchstens 10 eingeben."),
        ("1.2.3", "Bitte eine Zahl eingeben, zum Beispiel 3 oder 2,5."), ("1e3", "Bitte eine Zahl eingeben, zum Beispiel 3 oder 2,5."),
        ("--1", "Bitte eine Zahl eingeben, zum Beispiel 3 oder 2,5."),
    ] as [(String, String?)])
    func numbers(_ given: String, _ message: String?) throws {
        let survey = try SurveyReader.read("id: zahl\ntitle: T\nquestions:\n  - id: n\n    type: number\n    text: F\n    min: -1.5\n    max: 10\n    decimals: 1\n", path: "surveys/zahl.yml")
        let checked = survey.checkForm([("n", given)], language: "de")
        #expect(checked.errors.map(\.message) == (message.map { [$0] } ?? []))
        if message == nil { #expect(checked.answers["n"] == .number(Double(given.replacingOccurrences(of: ",", with: "."))!)) }
    }

    @Test("a number with more places or digits than can be kept is refused, never stored rounded", arguments: [
        ("1.0000000000000000000001", 0, "Please enter a whole number."), ("2.0000000000000000001", 2, "Please use at most 2 decimals."),
        ("12345678901234567", 0, "Please use at most 15 digits."), ("123456789012.123456", 6, "Please use at most 15 digits."),
        ("123456789012345", 0, nil), ("-99999999.999999", 6, nil), ("0.000001", 6, nil), ("2,50", 2, nil), ("-0", 0, nil),
    ] as [(String, Int, String?)])
    func exactNumbers(_ given: String, _ decimals: Int, _ message: String?) throws {
        let survey = try SurveyReader.read("id: zahl\ntitle: T\nquestions:\n  - id: n\n    type: number\n    text: F\n    decimals: \(decimals)\n", path: "surveys/zahl.yml")
        let checked = survey.checkForm([("n", given)], language: "en")
        #expect(checked.errors.map(\.message) == (message.map { [$0] } ?? []))
        if message == nil { #expect(checked.answers["n"] == .number(Double(given.replacingOccurrences(of: ",", with: "."))!)) }
    }

    @Test("the webhook: a JSON number a Double cannot hold as written is refused, not rounded to what the decimals allow")
    func exactWebhookNumbers() throws {
        let survey = try SurveyReader.read("id: zahl\ntitle: T\nquestions:\n  - id: n\n    type: number\n    text: F\n    decimals: 0\n", path: "surveys/zahl.yml")
        func check(_ json: String) -> [String] {
            guard let document = try? JSONParser.parse(json) else { return ["not read"] }
            return survey.checkJSON(document).errors.map(\.message)
        }
        #expect(check("{\"n\": 1.0000000000000000000001}") == ["not read"])
        #expect(check("{\"n\": 1.0000000000000000000001e0}") == ["not read"])
        #expect(check("{\"n\": 12345678901234567}") == ["Please use at most 15 digits."])
        #expect(check("{\"n\": 1.5}") == ["Please enter a whole number."])
        #expect(check("{\"n\": 3}") == [] && check("{\"n\": 3e0}") == [] && check("{\"n\": 30e-1}") == [])
        #expect(throws: JSONError.self) { try JSONParser.parse("0.30000000000000000001") }
        #expect(try JSONParser.parse("[0.1, 2.50, -0.0, 1e-7, 5e-324, 1.7976931348623157e308]")
                == .array([.double(0.1), .double(2.5), .double(-0.0), .double(1e-7), .double(5e-324), .double(1.7976931348623157e308)]))
    }

    @Test("text is measured in characters, not bytes; only line breaks are changed")
    func textLength() {
        let umlauts = String(repeating: "ä", count: 2000)   // 4,000 bytes
        #expect(youth.checkForm(replacing("wunsch", umlauts), language: "de").answers["wunsch"] == .text(umlauts))
        #expect(youth.checkForm(replacing("wunsch", "a\rb\u{2028}c"), language: "de").answers["wunsch"] == .text("a\rb\u{2028}c"))
        #expect(youth.checkForm(replacing("wunsch", "a\nb\r\nc"), language: "de").answers["wunsch"] == .text("a\nb\nc"))
    }

    @Test("more than max_choices is refused; a repeated code counts once")
    func maxChoices() {
        let three = complete.filter { $0.0 != "themen" && $0.0 != "themen.other" } + [("themen", "oepnv"), ("themen", "schule"), ("themen", "freizeit")]
        #expect(youth.checkForm(three, language: "en").errors == [AnswerError(question: "themen", message: "Please choose at most 2.")])
        let repeated = complete.filter { $0.0 != "themen" && $0.0 != "themen.other" } + [("themen", "oepnv"), ("themen", "oepnv")]
        #expect(youth.checkForm(repeated, language: "de").answers["themen"] == .choices(["oepnv"]))
    }

    @Test("a question hidden by show_if is never required and its answer is dropped, even if sent")
    func hidden() {
        let checked = youth.checkForm(replacing("engagiert", "no"), language: "de")
        #expect(checked.errors.isEmpty)
        #expect(checked.hidden == ["stunden", "vermisst"], "stunden: not engaged; vermisst: satisfied enough")
        #expect(checked.answers["stunden"] == nil)
    }
}
