import Foundation
import SQLite
import Testing
@testable import Store

/// What the queue of events and the webhook's receipts keep next to a response of an anonymous
/// survey: nothing finer than the day, no sender's id, no order of arrival.
@Suite("Events and receipts of anonymous responses on a real SQLite file")
struct AnonymousTracesTests {
    let morning = Date(timeIntervalSince1970: 1_803_888_751)   // 2027-03-01T08:12:31Z
    /// A time of day as stored (`…T08:12:31Z`).
    let timeOfDay = try! Regex("T[0-9]{2}:[0-9]{2}")

    func database() throws -> Database {
        let database = try Database(directory: try temporaryDirectory())
        try database.register(survey)
        database.events = EventRoutes(surveys: { ["probe": survey] }, global: ["https://portal.example.org/hook"])
        return database
    }

    func answer(anonymous: Bool = true, receipt: String? = nil) -> NewResponse {
        NewResponse(surveyID: "probe", token: nil, anonymous: anonymous, carried: [], answers: #"{"a":"yes"}"#, source: "webhook", receiptKey: receipt)
    }

    /// Every value of every row of `table`, as text.
    func values(_ database: Database, _ table: String) throws -> [String] {
        let statement = try database.connection.prepare("SELECT * FROM \(table)")
        var values: [String] = []
        while try statement.step() {
            for column in 0..<statement.columnCount { values.append(statement.text(column) ?? statement.int(column).map(String.init) ?? "") }
        }
        return values
    }

    @Test("response.created of an anonymous survey: the day as timestamp and queue times, random row ids, retries held in memory, the response id erased once delivered")
    func eventKeptToTheDay() throws {
        let database = try database()
        guard case .stored(let first) = try database.insert(answer(), now: morning),
              case .stored = try database.insert(answer(), now: morning.addingTimeInterval(2)) else { Issue.record("not stored"); return }
        let rows = try database.connection.rows("SELECT id, body, created_at, next_attempt_at FROM event_queue ORDER BY body")
        #expect(rows.count == 2)
        for row in rows {
            #expect(row.text("created_at") == "2027-03-01" && row.text("next_attempt_at") == "2027-03-01")
            #expect(row.text("body")?.contains(#""timestamp":"2027-03-01""#) == true, "\(row.text("body") ?? "")")
        }
        let ids = rows.compactMap { $0.int("id") }
        #expect(ids.count == 2 && abs(ids[0] - ids[1]) > 1_000_000, "row ids \(ids) follow the order of arrival")

        let claimed = try database.claimDueEvents(limit: 10, now: morning.addingTimeInterval(3))
        #expect(claimed.count == 2)
        // Given up at the end of the next day at the latest: created counts as the end of its day.
        #expect(claimed.allSatisfy { $0.createdAt == Database.date("2027-03-02T00:00:00Z") })
        let event = try #require(claimed.first { $0.body.contains(first) })
        let other = try #require(claimed.first { !$0.body.contains(first) })
        try database.recordEventAttempt(id: event.id, delivered: false, error: "HTTP 500", retryAt: morning.addingTimeInterval(9), now: morning.addingTimeInterval(4))
        try database.recordEventAttempt(id: other.id, delivered: true, error: nil, retryAt: nil, now: morning.addingTimeInterval(4))
        let all = try values(database, "event_queue")
        #expect(!all.contains { $0.contains(timeOfDay) }, "a time of day in the queue: \(all)")
        #expect(try database.connection.row("SELECT body FROM event_queue WHERE id = ?", [.integer(other.id)])?.text("body") == "",
                "the delivered event's response id is erased")

        #expect(try database.claimDueEvents(limit: 10, now: morning.addingTimeInterval(8)).isEmpty, "waits for its retry")
        let again = try database.claimDueEvents(limit: 10, now: morning.addingTimeInterval(10))
        #expect(again.map(\.id) == [event.id] && again.first?.attempts == 2)
        try database.recordEventAttempt(id: event.id, delivered: true, error: nil, retryAt: nil, now: morning.addingTimeInterval(11))
        let done = try database.connection.rows("SELECT status, body, delivered_at FROM event_queue")
        #expect(done.allSatisfy { $0.text("status") == "delivered" && $0.text("body") == "" && $0.text("delivered_at") == "2027-03-01" })
    }

    @Test("a survey that is not anonymous keeps its event's time and answers")
    func eventOfASurveyNotAnonymous() throws {
        let database = try database()
        _ = try database.insert(answer(anonymous: false), now: morning)
        let row = try #require(try database.connection.row("SELECT body, created_at FROM event_queue"))
        #expect(row.text("created_at") == "2027-03-01T08:12:31Z")
        #expect(row.text("body")?.contains(#""timestamp":"2027-03-01T08:12:31Z""#) == true && row.text("body")?.contains(#""answers""#) == true)
    }

    @Test("a receipt of an anonymous response keeps the day only; the same key gets the first answer; receipts go after 48 hours")
    func receiptKeptToTheDay() throws {
        let database = try database()
        guard case .stored(let id) = try database.insert(answer(receipt: "hmac-1"), now: morning) else { Issue.record("not stored"); return }
        #expect(try database.insert(answer(receipt: "hmac-1"), now: morning.addingTimeInterval(60)) == .replay(status: 201, body: #"{"response":"\#(id)"}"#))
        let receipt = try values(database, "webhook_receipts")
        #expect(receipt == ["hmac-1", "201", #"{"response":"\#(id)"}"#, "2027-03-01"], "\(receipt)")
        _ = try database.insert(answer(anonymous: false, receipt: "hmac-2"), now: morning.addingTimeInterval(47 * 3600))
        #expect(try database.webhookReceipt(key: "hmac-1") != nil, "kept 47 hours later")
        _ = try database.insert(answer(anonymous: false, receipt: "hmac-3"), now: morning.addingTimeInterval(64 * 3600))
        #expect(try database.webhookReceipt(key: "hmac-1") == nil, "gone once the day 48 hours ago has passed")
        #expect(try database.connection.row("SELECT received_at FROM webhook_receipts WHERE key = 'hmac-2'")?.text("received_at") == "2027-03-03T07:12:31Z")
    }
}
