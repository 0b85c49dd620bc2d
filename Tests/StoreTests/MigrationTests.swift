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
        #expect(try Schema.migrator.migrate(connection) == ["0005-response-counts"])

        let database = try Database(directory: dir)
        #expect(try database.metrics().responses.map { "\($0.survey)=\($0.count)" } == ["familie=1", "jugend=3"])
        _ = try database.insert(NewResponse(surveyID: "familie", token: nil, anonymous: true, carried: [], answers: "{}", source: "form"), now: Date())
        #expect(try database.metrics().responses.map { "\($0.survey)=\($0.count)" } == ["familie=2", "jugend=3"])
    }
}
