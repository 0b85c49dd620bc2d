import Foundation
import JSON
import Testing
@testable import Results
@testable import Survey

let youthSurvey = try! SurveyReader.read(file: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("surveys/jugendcheck-2027.yml").path)

/// A small deterministic generator (SplitMix64), so the test's data are the same every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

/// Random but valid responses to the youth survey, each with a kommune.
func generateResponses(_ count: Int, kommunen: [String]) -> [StoredResponse] {
    var rng = SeededGenerator(state: 42)
    return (0..<count).map { i in
        var a: [String: Answer] = [:]
        var other: [String: String] = [:]
        if Bool.random(using: &rng) || i == 0 { a["alter"] = .choice(["12-14", "15-17", "18-21", "22-27"].randomElement(using: &rng)!) }
        let themen = ["oepnv", "freizeit", "schule", "ausbildung", "other"].shuffled(using: &rng).prefix(Int.random(in: 0...2, using: &rng))
        if !themen.isEmpty { a["themen"] = .choices(Array(themen)); if themen.contains("other") { other["themen"] = "Radweg \(i)" } }
        if Int.random(in: 0...3, using: &rng) > 0 { a["zufriedenheit"] = .number(Double(Int.random(in: 1...5, using: &rng))) }
        a["aussagen"] = .rows(Int.random(in: 0...2, using: &rng) == 0 ? [:] : ["mitreden": String(Int.random(in: 1...5, using: &rng))])
        if a["aussagen"] == .rows([:]) { a["aussagen"] = nil }
        let engaged = Bool.random(using: &rng)
        a["engagiert"] = .choice(engaged ? "yes" : "no")
        if engaged && Bool.random(using: &rng) { a["stunden"] = .number(Double(Int.random(in: 0...20, using: &rng))) }
        if i % 7 == 0 { a["wunsch"] = .text("Wunsch \(i)") }
        if i % 3 == 0 { a["vorschlaege"] = .order(["jugendtreff", "skatepark", "wlan"].shuffled(using: &rng)) }
        return StoredResponse(attributes: ["kommune": kommunen[i % kommunen.count]], answers: a, other: other)
    }
}

func question(_ document: JSONValue, _ id: String) -> JSONValue {
    guard case .array(let questions)? = document["questions"] else { return .null }
    return questions.first { $0["id"] == .string(id) } ?? .null
}

func int(_ v: JSONValue?) -> Int { if case .int(let i)? = v { return i }; return -1 }
func double(_ v: JSONValue?) -> Double? {
    switch v { case .double(let d)?: return d; case .int(let i)?: return Double(i); default: return nil }
}

@Suite("Results: statistics and tallies")
struct ResultsTests {
    @Test("median of an even count, R type-7 quartiles, sample standard deviation, rounding")
    func statistics() {
        let xs: [Double] = [1, 2, 3, 4]
        #expect(Statistics.median(xs) == 2.5)
        #expect(Statistics.quantile(xs, 0.25) == 1.75 && Statistics.quantile(xs, 0.75) == 3.25)
        #expect(Statistics.round(Statistics.standardDeviation(xs)!, 2) == 1.29)
        #expect(Statistics.quantile([7], 0.25) == 7 && Statistics.standardDeviation([7]) == nil)
        #expect(Statistics.percent(1, of: 3) == 33.3 && Statistics.percent(2, of: 3) == 66.7 && Statistics.percent(1, of: 8) == 12.5)
    }

    @Test("every question type tallied exactly, counted by the test itself; answered + skipped + not_shown = responses")
    func exactTallies() {
        let responses = generateResponses(300, kommunen: ["Herzberg"])
        let document = ResultsDocument(survey: youthSurvey, language: "de", responses: responses, invited: 400).json()
        #expect(int(document["responses"]) == 300)
        #expect(double(document["response_rate"]) == 0.75)
        for q in youthSurvey.questions {
            let entry = question(document, q.id)
            let shown = responses.filter { r in q.showIf.map { $0.evaluate(r.answers) } ?? true }
            let answered = shown.filter { $0.answers[q.id] != nil }
            #expect(int(entry["answered"]) == answered.count, "\(q.id)")
            #expect(int(entry["not_shown"]) == responses.count - shown.count, "\(q.id)")
            #expect(int(entry["answered"]) + int(entry["skipped"]) + int(entry["not_shown"]) == 300, "\(q.id)")
        }
        // single: counts and percents of answered
        let alter = question(document, "alter")
        let answeredAlter = responses.compactMap { if case .choice(let c)? = $0.answers["alter"] { return c } else { return nil } }
        guard case .array(let options)? = alter["options"] else { Issue.record("no options"); return }
        for o in options {
            guard case .string(let code)? = o["code"] else { continue }
            let count = answeredAlter.filter { $0 == code }.count
            #expect(int(o["count"]) == count)
            #expect(double(o["percent"]) == (Double(count) * 1000 / Double(answeredAlter.count)).rounded() / 10)
        }
        // multi: other listed with its texts
        let themen = question(document, "themen")
        let others = responses.compactMap { $0.other["themen"] }.sorted()
        #expect(themen["other"] == .array(others.map(JSONValue.string)))
        // number: statistics of the shown answers
        let hours = responses.compactMap { if case .number(let n)? = $0.answers["stunden"] { return n } else { return nil } }.sorted()
        let stunden = question(document, "stunden")
        #expect(double(stunden["sum"]) == hours.reduce(0, +))
        #expect(double(stunden["median"]) == Statistics.median(hours))
        #expect(double(stunden["min"]) == hours.first && double(stunden["max"]) == hours.last)
        // ranking: first places and mean ranks
        let orders = responses.compactMap { if case .order(let o)? = $0.answers["vorschlaege"] { return o } else { return nil } }
        guard case .array(let ranks)? = question(document, "vorschlaege")["options"] else { Issue.record("no ranking"); return }
        for r in ranks {
            guard case .string(let code)? = r["code"] else { continue }
            #expect(int(r["first"]) == orders.filter { $0.first == code }.count)
            let mean = Double(orders.map { $0.firstIndex(of: code)! + 1 }.reduce(0, +)) / Double(orders.count)
            #expect(double(r["mean_rank"]) == Statistics.round(mean, 2))
        }
        // text: every answer, overall
        guard case .array(let texts)? = question(document, "wunsch")["answers"] else { Issue.record("no texts"); return }
        #expect(texts.count == responses.filter { $0.answers["wunsch"] != nil }.count)
    }

    func groups(_ sizes: [String: Int], minimum: Int = 5) -> [String: Bool] {
        var survey = youthSurvey
        survey.minGroupSize = minimum
        var responses: [StoredResponse] = []
        for (kommune, n) in sizes { responses += (0..<n).map { _ in StoredResponse(attributes: ["kommune": kommune], answers: ["engagiert": .choice("yes")], other: [:]) } }
        let document = ResultsDocument(survey: survey, language: "de", responses: responses, by: "kommune", invited: nil).json()
        guard case .array(let list)? = document["groups"] else { return [:] }
        var result: [String: Bool] = [:]
        for g in list {
            guard case .string(let name)? = g["value"] else { continue }
            result[name] = g["suppressed"] == .bool(true)
            if g["suppressed"] == .bool(true) { #expect(g["responses"] == nil && g["questions"] == nil) }
            if g["suppressed"] == .bool(false), case .array(let qs)? = g["questions"] {
                #expect(qs.allSatisfy { $0["answers"] == nil && $0["other"] == nil }, "no free text in groups")
            }
        }
        return result
    }

    @Test("small groups are withheld; one withheld takes the next smallest with it; the limit itself is shown")
    func suppression() {
        #expect(groups(["A": 20, "B": 3, "C": 9, "D": 12]) == ["A": false, "B": true, "C": true, "D": false], "one small: the next smallest too")
        #expect(groups(["A": 20, "B": 3, "C": 2, "D": 12]) == ["A": false, "B": true, "C": true, "D": false], "two small")
        #expect(groups(["A": 1, "B": 3, "C": 4]) == ["A": true, "B": true, "C": true], "all small")
        #expect(groups(["A": 5, "B": 5]) == ["A": false, "B": false], "exactly at the limit")
    }
}
