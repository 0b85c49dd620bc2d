import Foundation
import SQLite
import Testing
@testable import Store

@Suite("Schema upgrades on a real SQLite file")
struct MigrationTests {
    @Test("upgrading to 0005 counts the responses already stored, and the count goes on from there")
    func responseCountsBackfilled() throws {
        let dir = try temporaryDirectory()
        let connection = try Connection(path: dir + "/mitreden.sqlite")
        var before = Migrator()
        for migration in Schema.migrator.migrations where migration.id < "0005" { before.register(migration.id, migration.sql) }
        try before.migrate(connection)
        for id in ["jugend", "familie", "leer"] {
            try connection.run("INSERT INTO surveys (id, title, access, anonymous, first_loaded_at) VALUES (?, ?, 'open', 1, '2027-01-01')", [.text(id), .text(id)])
        }
        for (i, id) in ["jugend", "jugend", "jugend", "familie"].enumerated() {
            try connection.run("INSERT INTO responses (id, survey_id, submitted, source, answers) VALUES (?, ?, '2027-03-01', 'form', '{}')",
                               [.text("r\(i)"), .text(id)])
        }
        var through0005 = Migrator()
        for migration in Schema.migrator.migrations where migration.id < "0006" { through0005.register(migration.id, migration.sql) }
        #expect(try through0005.migrate(connection) == ["0005-response-counts"])

        let database = try Database(directory: dir)
        #expect(try database.metrics().responses.map { "\($0.survey)=\($0.count)" } == ["familie=1", "jugend=3"])
        _ = try database.insert(NewResponse(surveyID: "familie", token: nil, anonymous: true, carried: [], answers: "{}", source: "form"), now: Date())
        #expect(try database.metrics().responses.map { "\($0.survey)=\($0.count)" } == ["familie=2", "jugend=3"])
    }

    @Test("upgrading to 0006 gives every participant with a link an access code, keeps the responses, and allows paper answers")
    func codesBackfilled() throws {
        let dir = try temporaryDirectory()
        let connection = try Connection(path: dir + "/mitreden.sqlite")
        var before = Migrator()
        for migration in Schema.migrator.migrations where migration.id < "0006" { before.register(migration.id, migration.sql) }
        try before.migrate(connection)
        try connection.run("INSERT INTO surveys (id, title, access, anonymous, first_loaded_at) VALUES ('jugend', 'J', 'invite', 1, '2027-01-01')")
        for i in 0..<50 {
            try connection.run("INSERT INTO participants (survey_id, email, email_key, token, created_at, updated_at) VALUES ('jugend', ?, ?, ?, '2027', '2027')",
                               [.text("p\(i)@x.de"), .text("p\(i)@x.de"), i == 7 ? .null : .text("token\(i)")])
        }
        try connection.run("INSERT INTO responses (id, survey_id, submitted, source, answers) VALUES ('r1', 'jugend', '2027-03-01', 'webhook', '{\"a\":1}')")
        let database = try Database(directory: dir)
        let codes = try database.connection.rows("SELECT code FROM participants ORDER BY id").map { $0.text("code") }
        #expect(codes.compactMap { $0 }.count == 49 && codes[7] == nil, "a purged participant (no link) gets none")
        #expect(codes.compactMap { $0 }.allSatisfy { AccessCode.normalize($0) == $0 } && Set(codes.compactMap { $0 }).count == 49)
        #expect(try database.connection.row("SELECT answers, source FROM responses WHERE id = 'r1'")?.text("source") == "webhook")
        try database.connection.run("INSERT INTO responses (id, survey_id, submitted, source, answers) VALUES ('r2', 'jugend', '2027-03-01', 'paper', '{}')")
        #expect(throws: SQLiteError.self) { try database.connection.run("INSERT INTO responses (id, survey_id, submitted, source, answers) VALUES ('r3', 'jugend', '2027-03-01', 'fax', '{}')") }
    }
}

@Suite("Upgrading to private receipts and events (0007) on a real SQLite file")
struct PrivateReceiptsMigrationTests {
    @Test("0007 forgets the webhook-ids, cuts the queued events of anonymous responses to the day and erases those delivered; the bytes are gone from the file")
    func receiptsAndEventsScrubbed() throws {
        let dir = try temporaryDirectory()
        let connection = try Connection(path: dir + "/mitreden.sqlite")
        var before = Migrator()
        for migration in Schema.migrator.migrations where migration.id < "0007" { before.register(migration.id, migration.sql) }
        try before.migrate(connection)
        try connection.execute("""
            INSERT INTO surveys (id, title, access, anonymous, first_loaded_at) VALUES ('jugend', 'J', 'open', 1, '2027-01-01'), ('firmen', 'F', 'open', 0, '2027-01-01');
            INSERT INTO webhook_receipts (webhook_id, status, body, received_at) VALUES ('msg_person_42', 201, '{"response":"r1"}', '2027-03-01T08:12:31Z');
            INSERT INTO event_queue (webhook_id, url, survey_id, type, body, status, next_attempt_at, created_at, delivered_at) VALUES
                ('msg_a', 'https://x', 'jugend', 'response.created', '{"type":"response.created","timestamp":"2027-03-01T08:12:31Z","data":{"survey":"jugend","response":"responseDelivered"}}', 'delivered', '2027-03-01T08:12:31Z', '2027-03-01T08:12:31Z', '2027-03-01T08:12:32Z'),
                ('msg_b', 'https://x', 'jugend', 'response.created', '{"type":"response.created","timestamp":"2027-03-01T08:13:05Z","data":{"survey":"jugend","response":"responsePending"}}', 'pending', '2027-03-01T08:14:05Z', '2027-03-01T08:13:05Z', NULL),
                ('msg_c', 'https://x', 'firmen', 'response.created', '{"type":"response.created","timestamp":"2027-03-01T09:00:00Z","data":{"survey":"firmen","response":"r3"}}', 'delivered', '2027-03-01T09:00:00Z', '2027-03-01T09:00:00Z', '2027-03-01T09:00:01Z');
            """)
        #expect(try Schema.migrator.migrate(connection).first == "0007-private-receipts-and-events")

        #expect(try connection.row("SELECT count(*) AS n FROM webhook_receipts")?.int("n") == 0)
        let rows = try connection.rows("SELECT webhook_id, body, created_at, next_attempt_at, delivered_at, day_only FROM event_queue ORDER BY webhook_id")
        #expect(rows.map { $0.int("day_only") } == [1, 1, 0])
        #expect(rows[0].text("body") == "" && rows[0].text("created_at") == "2027-03-01" && rows[0].text("delivered_at") == "2027-03-01")
        #expect(rows[1].text("body")?.contains(#""timestamp":"2027-03-01""#) == true && rows[1].text("body")?.contains("responsePending") == true)
        #expect(rows[1].text("next_attempt_at") == "2027-03-01" && rows[1].text("created_at") == "2027-03-01")
        #expect(rows[2].text("created_at") == "2027-03-01T09:00:00Z" && rows[2].text("body")?.contains("r3") == true, "a survey that is not anonymous keeps its times")

        try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let file = FileManager.default.contents(atPath: dir + "/mitreden.sqlite") ?? Data()
        for gone in ["msg_person_42", "responseDelivered", "08:13:05", "08:12:32"] {
            #expect(file.range(of: Data(gone.utf8)) == nil, "\(gone) still in the database file")
        }
    }
}
