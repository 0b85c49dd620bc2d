import Foundation
import JSON
import Testing
@testable import Results
import Store
import Survey

@Suite("Results by source: web, webhook and paper")
struct SourceBreakdownTests {
    /// 15 responses: 9 from paper, 4 by webhook, 2 from the form.
    func sources(_ i: Int) -> String { i < 9 ? "paper" : i < 13 ? "webhook" : "form" }

    @Test("--by source groups the answers by how they came in, withholds small groups like any other, and the fast reader agrees")
    func bySource() throws {
        let responses = generateResponses(15, kommunen: ["Herzberg", "Falkenberg"])
        let database = try database(youthSurvey, responses)
        for i in responses.indices {
            try database.connection.run("UPDATE responses SET source = ? WHERE id = ?", [.text(sources(i)), .text(String(format: "r%05d", i))])
        }
        let document = try ResultsDocument(survey: youthSurvey, by: "source", language: "de", database: database).json()
        #expect(document["by"] == .string("source"))
        let groups = document["groups"]?.array ?? []
        #expect(groups.map { $0["value"] } == [.string("paper"), .string("web"), .string("webhook")])
        #expect(groups[0]["responses"] == .int(9) && groups[0]["suppressed"] == .bool(false) && groups[0]["invited"] == nil)
        #expect(groups[1]["suppressed"] == .bool(true) && groups[1]["responses"] == nil, "2 web answers are withheld")
        #expect(groups[2]["suppressed"] == .bool(true), "and the next smallest group with them")

        var memory = responses
        for i in memory.indices { memory[i].source = sources(i) }
        let slow = ResultsDocument(survey: youthSurvey, language: "de", responses: memory, by: "source", invited: nil)
        let fast = ResultsDocument(tally: try ResultsTally(survey: youthSurvey, by: "source", database: database, parts: 2), language: "de",
                                   invited: nil, generatedAt: slow.generatedAt)
        #expect(fast.json().serialized(pretty: true) == slow.json().serialized(pretty: true))
    }

    @Test("an attribute named source is broken down as the attribute")
    func attributeFirst() {
        var survey = youthSurvey
        survey.attributes = ["source"]
        #expect(!ResultsTally.isSource("source", of: survey) && ResultsTally.isSource("source", of: youthSurvey))
        #expect(ResultsTally.canBreakDown(youthSurvey, by: "source") && !ResultsTally.canBreakDown(youthSurvey, by: "schule"))
        let response = StoredResponse(attributes: ["source": "Schule A"], answers: [:], other: [:], source: "paper")
        let document = ResultsDocument(survey: survey, language: "de", responses: Array(repeating: response, count: 5), by: "source", invited: nil).json()
        #expect(document["groups"]?.array?.first?["value"] == .string("Schule A"))
    }
}
