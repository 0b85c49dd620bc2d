import Foundation
import SQLite
import Testing
@testable import Store

@Suite("Ids of responses stored together")
struct ResponseIDsTests {
    func answer(_ n: Int, token: String? = nil, minGroupSize: Int = 5) -> NewResponse {
        NewResponse(surveyID: "probe", token: token, anonymous: true, carried: [], answers: #"{"a":"yes","n":\#(n)}"#,
                    source: "form", minGroupSize: minGroupSize)
    }

    func ids(_ outcomes: [StoreOutcome]) -> [String] {
        outcomes.compactMap { if case .stored(let id) = $0 { id } else { nil } }
    }

    func halves(_ ids: [String]) -> Set<Substring> { Set(ids.map { $0.prefix(12) }) }

    @Test("answers stored together share half their id only when at least min_group_size (and 5) of them are stored")
    func sharedHalves() throws {
        let db = try Database(directory: try temporaryDirectory())
        try db.register(survey)
        _ = try db.importParticipants(people((1...6).map { ("p\($0)@example.de", nil, "Herzberg") }), into: survey)
        let tokens = try db.connection.rows("SELECT token FROM participants ORDER BY id").compactMap { $0.text("token") }
        let imported = try db.connection.rows("SELECT updated_at FROM participants ORDER BY id").compactMap { $0.text("updated_at") }
        let now = Date().addingTimeInterval(3600)

        let four = ids(try db.storeGroup((1...4).map { answer($0) }, now: now))
        #expect(four.count == 4 && halves(four).count == 4, "\(four)")

        let six = ids(try db.storeGroup((1...6).map { answer($0) }, now: now))
        #expect(six.count == 6 && halves(six).count == 1 && Set(six).count == 6, "\(six)")
        #expect(six.allSatisfy { Token.isWellFormed($0[...]) })

        let sixOfEight = ids(try db.storeGroup((1...6).map { answer($0, minGroupSize: 8) }, now: now))
        #expect(sixOfEight.count == 6 && halves(sixOfEight).count == 6, "\(sixOfEight)")

        // Two people answer; then six submit together, those two again: four are stored, fewer
        // than five, so the group is stored again with ids that share nothing.
        #expect(ids(try db.storeGroup([answer(1, token: tokens[0]), answer(2, token: tokens[1])], now: now)).count == 2)
        let outcomes = try db.storeGroup(tokens.enumerated().map { answer($0, token: $1) }, now: now)
        #expect(outcomes.filter { $0 == .alreadyAnswered }.count == 2)
        let four2 = ids(outcomes)
        #expect(four2.count == 4 && halves(four2).count == 4, "\(four2)")

        // Stored once each, under the ids the callers were given.
        let stored = Set(try db.connection.rows("SELECT id FROM responses").compactMap { $0.text("id") })
        #expect(Set(four + six + sixOfEight + four2).isSubset(of: stored))
        #expect(stored.count == 4 + 6 + 6 + 2 + 4)
        // The survey's count adds what each group stored (not the refused, not the rolled-back try).
        #expect(try db.connection.row("SELECT response_count FROM surveys WHERE id = 'probe'")?.int("response_count") == stored.count)
        #expect(try db.connection.row("SELECT count(*) AS n FROM participants WHERE answered = 1")?.int("n") == 6)
        // Anonymous: the participants carry the flag, not the time they answered.
        #expect(try db.connection.rows("SELECT updated_at FROM participants ORDER BY id").compactMap { $0.text("updated_at") } == imported)
    }
}
