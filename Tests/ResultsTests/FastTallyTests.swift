import Foundation
import JSON
@testable import Results
import Store
import Survey
import Testing

/// A survey whose `show_if`s read every kind of question the tally can key (single, yesno,
/// scale, multi), and with `keyable: false` also kinds it cannot (number, a matrix row), so
/// that both ways of working out what a response saw are used.
func conditionSurvey(keyable: Bool) -> Survey {
    try! SurveyReader.read("""
    id: bedingungen-2027
    title: Bedingungen
    languages: [de]
    access: invite
    attributes: [kommune]
    questions:
      - id: wahl
        type: single
        text: Wahl
        options: [a, b, c]
        other: true
      - id: themen
        type: multi
        text: Themen
        options: [bus, rad, bahn, fuss]
      - id: note
        type: scale
        text: Note
        min: 1
        max: 5
      - id: aktiv
        type: yesno
        text: Aktiv?
      - id: nach_wahl
        type: single
        text: Nach Wahl
        options: [x, y]
        show_if: wahl in [a, b] and aktiv == yes
      - id: nach_themen
        type: text
        text: Warum Rad?
        show_if: themen contains rad or not (note >= 3)
      - id: alter
        type: number
        text: Alter
      - id: nach_alter
        type: yesno
        text: Nach Alter
        show_if: \(keyable ? "aktiv == no" : "alter < 18") or themen answered
      - id: raster
        type: matrix
        text: Raster
        rows: [eins, zwei]
        options: [1, 2, 3]
      - id: nach_raster
        type: scale
        text: Nach Raster
        min: 0
        max: 3
        show_if: \(keyable ? "note > 3" : "raster.eins == 2")
      - id: rang
        type: ranking
        text: Rang
        options: [p, q, r]
    """, path: "bedingungen-2027.yml")
}

/// Random answers to `conditionSurvey`, with texts in many scripts and forms (precomposed and
/// decomposed accents, emoji, an empty text), whether or not `show_if` would have shown them.
func conditionResponses(_ count: Int, seed: UInt64) -> [StoredResponse] {
    var rng = SeededGenerator(state: seed)
    let texts = ["Mehr Busse", "mehr busse", "Übergang", "Ubergang", "e\u{301}cole", "\u{E9}cole", "école", "Zebra", "zebra", "",
                 "Straße", "Strasse", "ökologisch", "😀 Spaß", "東京", "Ärger", "A", "a", "Ab", "ab"]
    return (0..<count).map { i in
        var a: [String: Answer] = [:]
        var other: [String: String] = [:]
        func maybe(_ chance: Int = 3) -> Bool { Int.random(in: 0..<chance, using: &rng) > 0 }
        if maybe() {
            let code = ["a", "b", "c", "other"].randomElement(using: &rng)!
            a["wahl"] = .choice(code)
            if code == "other" { other["wahl"] = texts.randomElement(using: &rng)! + " \(i % 7)" }
        }
        if maybe() { a["themen"] = .choices(Array(["bus", "rad", "bahn", "fuss"].filter { _ in Bool.random(using: &rng) })) }
        if maybe() { a["note"] = .number(Double(Int.random(in: 1...5, using: &rng))) }
        if maybe() { a["aktiv"] = .choice(Bool.random(using: &rng) ? "yes" : "no") }
        if maybe() { a["nach_wahl"] = .choice(Bool.random(using: &rng) ? "x" : "y") }
        if maybe() { a["nach_themen"] = .text(texts.randomElement(using: &rng)!) }
        if maybe() { a["alter"] = .number(Double(Int.random(in: 10...30, using: &rng))) }
        if maybe() { a["nach_alter"] = .choice(Bool.random(using: &rng) ? "yes" : "no") }
        if maybe() {
            var rows: [String: String] = [:]
            for row in ["eins", "zwei"] where Bool.random(using: &rng) { rows[row] = String(Int.random(in: 1...3, using: &rng)) }
            if !rows.isEmpty { a["raster"] = .rows(rows) }
        }
        if maybe() { a["nach_raster"] = .number(Double(Int.random(in: 0...3, using: &rng))) }
        if maybe() { a["rang"] = .order(["p", "q", "r"].shuffled(using: &rng)) }
        return StoredResponse(attributes: ["kommune": ["Herzberg", "Finsterwalde", "Mühlberg/Elbe"].randomElement(using: &rng)!],
                              answers: a, other: other)
    }
}

@Suite("Results: the fast tally (show_if by key, texts as bytes) agrees with the general one")
struct FastTallyTests {
    @Test("every question type, show_if reading single, multi, scale and yesno (keyed) or also number and a matrix row (not): fast equals general, in 1 to 3 parts",
          arguments: [true, false])
    func conditionsAndTexts(keyable: Bool) throws {
        let conditionSurvey = conditionSurvey(keyable: keyable)
        #expect((TallyPlan(conditionSurvey).shownKeys > 0) == keyable)
        let responses = conditionResponses(1500, seed: 7)
        let database = try database(conditionSurvey, responses)
        var general: [StoredResponse] = []
        try database.forEachResponse(surveyID: conditionSurvey.id) { general.append(StoredResponse(conditionSurvey, $0)) }
        #expect(general.count == 1500)
        for by in [nil, "kommune"] {
            let slow = ResultsDocument(survey: conditionSurvey, language: "de", responses: general, by: by, invited: nil)
            let document = slow.json()
            // The test would pass vacuously if no question was hidden or no text kept.
            #expect(document["questions"]?.array?.contains { if case .int(let n)? = $0["not_shown"] { return n > 0 }; return false } == true)
            #expect((document["questions"]?.array?.first { $0["id"] == .string("nach_themen") }?["answers"]?.array?.count ?? 0) > 100)
            for parts in [1, 2, 3] {
                let fast = ResultsDocument(tally: try ResultsTally(survey: conditionSurvey, by: by, database: database, parts: parts), language: "de",
                                           invited: nil, generatedAt: slow.generatedAt)
                #expect(fast.json().serialized(pretty: true) == document.serialized(pretty: true), "by \(by ?? "none"), \(parts) parts")
            }
        }
    }

    @Test("the key of what a response saw exists exactly when show_if reads only keyable questions")
    func keys() throws {
        #expect(TallyPlan(conditionSurvey(keyable: false)).shownKeys == 0, "a number and a matrix row are read: no key")
        #expect(TallyPlan(conditionSurvey(keyable: true)).shownKeys == (3 + 2) * 3 * (16 + 1) * 6,
                "wahl (a, b, c, other), aktiv (yes, no), themen (sets of 4), note (5 points), each also unanswered")
        let youth = TallyPlan(youthSurvey)
        #expect(youth.shownKeys == (5 + 1) * (2 + 1), "zufriedenheit (5 points) and engagiert (yes, no), each also unanswered")
    }

    @Test("texts kept as bytes sort and merge in the order of Swift's String <; Latin texts exactly as sorted() puts them", arguments: [false, true])
    func textOrder(onlyLatin: Bool) {
        var rng = SeededGenerator(state: 11)
        let latin = ["a", "A", "b", "Ä", "ä", "ß", "ss", "é", "z", " ", "~", "\u{7F}", "ǅ", "\u{2FF}"]
        let pieces = onlyLatin ? latin : latin + ["A\u{308}", "a\u{308}", "e\u{301}", "😀", "東", "\u{300}"]
        func text() -> String { (0..<Int.random(in: 0...4, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined() }
        let first = (0..<400).map { _ in text() }
        let second = (0..<300).map { _ in text() }
        var list = TextList()
        for t in first { list.append(t) }
        list.sort()
        var other = TextList()
        for t in second { other.append(t) }
        other.sort()
        list.merge(other)
        let merged = list.strings()
        let expected = (first + second).sorted()
        if onlyLatin {
            #expect(merged == expected)
        } else {
            // Canonically equal texts ("é" and "e" + U+0301) are equal to String <, so their
            // order among themselves is free: the same texts, each pair in order.
            #expect(merged.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) } == expected.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
            #expect(zip(merged, merged.dropFirst()).allSatisfy { !($1 < $0) })
            #expect(merged != merged.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }, "bytes alone would order them otherwise")
        }
        #expect(list.count == 700)
    }

    @Test("only valid UTF-8 below U+0300 is ordered by its bytes")
    func byBytes() {
        func check(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { TextList.ordersByBytes($0) } }
        #expect(check(Array("Straße, Übergang".utf8)))
        #expect(check(Array("\u{2FF}".utf8)))
        #expect(!check(Array("e\u{301}".utf8)), "a combining accent")
        #expect(!check(Array("😀".utf8)))
        #expect(!check([0x80]), "a stray continuation byte")
        #expect(!check([0xC3]), "a cut sequence")
        #expect(!check([0xC0, 0x80]), "an overlong form")
    }
}
