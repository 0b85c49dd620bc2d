import Foundation
import SQLite
import Testing
@testable import Store
@testable import Survey

func temporaryDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

let survey = try! SurveyReader.read("""
    id: probe
    title: Probe
    attributes: [kommune]
    questions:
      - id: a
        type: yesno
        text: F
    """, path: "probe.yml")

func people(_ rows: [(String, String?, String)]) -> [Participant] {
    rows.enumerated().map { i, row in Participant(email: row.0, name: row.1, language: nil, attributes: [("kommune", row.2)], line: i + 2) }
}

@Suite("Store on a real SQLite file")
struct ParticipantStoreTests {
    @Test("the schema migrates on open and again is a no-op")
    func schema() throws {
        let dir = try temporaryDirectory()
        _ = try Database(directory: dir)
        let again = try Database(directory: dir)
        let tables = try again.connection.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap { $0.text("name") }
        #expect(tables == ["admin_sessions", "daemon_keys", "drafts", "event_queue", "mail_queue", "participants", "responses", "schema_migrations", "surveys",
                          "tally_epochs", "tally_log", "tally_snapshots", "webhook_receipts"])
    }

    @Test("re-importing the same person (other case) updates them and keeps their token")
    func reimport() throws {
        let db = try Database(directory: try temporaryDirectory())
        let first = try db.importParticipants(people([("Anna@Example.de", "Anna", "Herzberg"), ("bo@example.de", nil, "Falkenberg")]), into: survey)
        #expect(first == ImportSummary(created: 2, updated: 0))
        let token = try db.connection.row("SELECT token FROM participants WHERE email_key = 'anna@example.de'")?.text("token")
        let second = try db.importParticipants(people([("anna@example.DE", "Anna Müller", "Uebigau-Wahrenbrück")]), into: survey)
        #expect(second == ImportSummary(created: 0, updated: 1))
        let row = try #require(try db.connection.row("SELECT name, token, attributes, count(*) OVER () AS n FROM participants WHERE email_key = 'anna@example.de'"))
        #expect(row.text("name") == "Anna Müller")
        #expect(row.text("token") == token)
        #expect(row.text("attributes") == #"{"kommune":"Uebigau-Wahrenbrück"}"#)
        #expect(try db.participants(of: "probe").count == 2)
    }

    @Test("claims take the earliest due mail first, retries and new mail merged; an unsubscribed person's mail is cancelled; one group of outcomes keeps each reply and code")
    func claimOrder() throws {
        let db = try Database(directory: try temporaryDirectory())
        try db.register(survey)
        _ = try db.importParticipants(people((1...5).map { ("p\($0)@example.de", nil, "Herzberg") }), into: survey)
        let ten = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try db.enqueueInvitations(surveyID: "probe", now: ten) == 5)
        let token5 = try #require(try db.connection.row("SELECT token FROM participants WHERE email = 'p5@example.de'")?.text("token"))
        #expect(try db.unsubscribe(token: token5, now: ten))

        let first = try db.claimDueMail(limit: 2, owner: "1", now: ten)
        #expect(first.map(\.email) == ["p1@example.de", "p2@example.de"])
        #expect(first.map(\.attempts) == [1, 1])
        // Both deferred to a time before the rest of the queue became due: they come first.
        try db.recordOutcomes(first.map { ($0.id, .deferred(reply: "451 later", code: 451, retryAt: ten.addingTimeInterval(-60))) }, now: ten)

        let later = ten.addingTimeInterval(60)
        let second = try db.claimDueMail(limit: 3, owner: "1", now: later)
        #expect(second.map(\.email) == ["p1@example.de", "p2@example.de", "p3@example.de"])
        #expect(second.map(\.attempts) == [2, 2, 1])
        let third = try db.claimDueMail(limit: 10, owner: "1", now: later)
        #expect(third.map(\.email) == ["p4@example.de"])
        let statuses = try db.connection.rows("SELECT p.email, m.status, m.claimed_by FROM mail_queue m JOIN participants p ON p.id = m.participant_id ORDER BY p.email")
        #expect(statuses.map { $0.text("status") } == ["sending", "sending", "sending", "sending", "cancelled"])
        #expect(statuses.prefix(4).allSatisfy { $0.text("claimed_by") == "1" })
        #expect(try db.claimDueMail(limit: 10, owner: "1", now: later).isEmpty)

        // One group with every kind of outcome: each row gets its own reply and code.
        let replies = ["250 2.0.0 Ok: queued as 4F1x", "250 ok \"quoted\" \\ ünïcode\r", "no digits"]
        try db.recordOutcomes([
            (second[0].id, .delivered(reply: replies[0])), (second[1].id, .delivered(reply: replies[1])),
            (second[2].id, .failed(reply: "550 5.1.1 unknown user", code: 550)), (third[0].id, .delivered(reply: replies[2])),
        ], now: later)
        let recorded = try db.connection.rows("SELECT m.status, m.last_reply, m.reply_code, m.claimed_by, m.delivered_at FROM mail_queue m JOIN participants p ON p.id = m.participant_id ORDER BY p.email")
        #expect(recorded.map { $0.text("status") } == ["delivered", "delivered", "failed", "delivered", "cancelled"])
        #expect(recorded.map { $0.text("last_reply") }.prefix(4) == [replies[0], replies[1], "550 5.1.1 unknown user", replies[2]])
        #expect(recorded.map { $0.int("reply_code") }.prefix(4) == [250, 250, 550, nil])
        #expect(recorded.prefix(4).allSatisfy { $0.text("claimed_by") == nil })
        #expect(recorded.map { $0.text("delivered_at") != nil } == [true, true, false, true, false])
    }

    @Test("tokens are 24 URL-safe characters (144 bits) and do not repeat")
    func tokens() {
        let tokens = (0..<10_000).map { _ in Token.make() }
        #expect(Set(tokens).count == tokens.count)
        #expect(tokens.allSatisfy { Token.isWellFormed(Substring($0)) })
    }

    @Test("base64url matches RFC 4648 test vectors", arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ])
    func base64url(_ input: String, _ expected: String) {
        #expect(Token.base64URL(Array(input.utf8)) == expected)
        #expect(Token.base64URL([0xFB, 0xFF]) == "-_8")
    }
}
