import Foundation
import Testing
@testable import SQLite

func temporaryDatabase() throws -> (Connection, String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/test.sqlite"
    return (try Connection(path: path), path)
}

@Suite("SQLite layer on a real file")
struct ConnectionTests {
    @Test("opens in WAL mode with foreign keys, synchronous=FULL and a busy timeout")
    func pragmas() throws {
        let (db, path) = try temporaryDatabase()
        #expect(try db.row("PRAGMA journal_mode")?.text("journal_mode") == "wal")
        #expect(try db.row("PRAGMA foreign_keys")?.int("foreign_keys") == 1)
        #expect(try db.row("PRAGMA synchronous")?.int("synchronous") == 2)
        try db.execute("CREATE TABLE t (x)")
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("binds and reads every value type")
    func values() throws {
        let (db, _) = try temporaryDatabase()
        try db.execute("CREATE TABLE t (a, b, c, d, e)")
        try db.run("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [.null, .integer(42), .real(2.5), .text("Grüße ✓"), .blob([0, 1, 255])])
        let row = try #require(try db.row("SELECT * FROM t"))
        #expect(row.values == [.null, .integer(42), .real(2.5), .text("Grüße ✓"), .blob([0, 1, 255])])
    }

    @Test("an error carries the code, the message and the SQL, never the bound values")
    func errorsHideValues() throws {
        let (db, _) = try temporaryDatabase()
        try db.execute("CREATE TABLE people (email TEXT UNIQUE)")
        try db.run("INSERT INTO people VALUES (?)", [.text("anna@example.de")])
        do {
            try db.run("INSERT INTO people VALUES (?)", [.text("anna@example.de")])
            Issue.record("a duplicate was accepted")
        } catch let error as SQLiteError {
            #expect(error.isConstraint)
            #expect(error.sql == "INSERT INTO people VALUES (?)")
            #expect(!error.description.contains("anna@example.de"))
            #expect(error.description.contains("UNIQUE"))
        }
    }

    @Test("foreign keys are enforced")
    func foreignKeys() throws {
        let (db, _) = try temporaryDatabase()
        try db.execute("CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (a_id REFERENCES a(id))")
        #expect(throws: SQLiteError.self) { try db.run("INSERT INTO b VALUES (7)") }
    }

    @Test("a transaction that throws leaves nothing behind")
    func rollback() throws {
        let (db, _) = try temporaryDatabase()
        try db.execute("CREATE TABLE t (x)")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.transaction { try db.run("INSERT INTO t VALUES (1)"); throw Stop() }
        }
        #expect(try db.row("SELECT count(*) AS n FROM t")?.int("n") == 0)
    }

    @Test("a second connection waits for the writer instead of failing (busy timeout)")
    func busyTimeout() throws {
        let (db, path) = try temporaryDatabase()
        try db.execute("CREATE TABLE t (x)")
        let other = try Connection(path: path, busyTimeoutMilliseconds: 2000)
        try db.execute("BEGIN IMMEDIATE; INSERT INTO t VALUES (1)")
        nonisolated(unsafe) let writer = db   // used by one thread at a time: this one, then the timer's
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { try? writer.execute("COMMIT") }
        try other.run("INSERT INTO t VALUES (2)")
        #expect(try other.row("SELECT count(*) AS n FROM t")?.int("n") == 2)
    }

    @Test("migrations run once each, in order; a failing one rolls back and is not recorded")
    func migrations() throws {
        let (db, _) = try temporaryDatabase()
        var migrator = Migrator()
        migrator.register("1-create", "CREATE TABLE t (x)")
        migrator.register("2-fill", "INSERT INTO t VALUES (1)")
        #expect(try migrator.migrate(db) == ["1-create", "2-fill"])
        #expect(try migrator.migrate(db) == [])
        migrator.register("3-broken", "INSERT INTO t VALUES (2); INSERT INTO missing VALUES (3)")
        #expect(throws: SQLiteError.self) { try migrator.migrate(db) }
        #expect(try db.row("SELECT count(*) AS n FROM t")?.int("n") == 1, "the broken migration's first statement was rolled back")
        #expect(try db.rows("SELECT id FROM schema_migrations ORDER BY id").compactMap { $0.text("id") } == ["1-create", "2-fill"])
    }
}
