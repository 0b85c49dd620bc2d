/// Applies schema migrations registered by id, each in its own immediate transaction, and
/// records them in `schema_migrations`. A failed migration rolls back and leaves the
/// database as it was.
public struct Migrator {
    public struct Migration: Sendable {
        public let id: String
        public let sql: String

        public init(id: String, sql: String) {
            self.id = id
            self.sql = sql
        }
    }

    public private(set) var migrations: [Migration] = []

    public init() {}

    public mutating func register(_ id: String, _ sql: String) {
        precondition(!migrations.contains { $0.id == id }, "migration \(id) registered twice")
        migrations.append(Migration(id: id, sql: sql))
    }

    /// Applies the migrations not yet applied, in order; returns their ids.
    /// - Throws: `SQLiteError` from the failing migration.
    @discardableResult
    public func migrate(_ db: Connection) throws -> [String] {
        try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))")
        let applied = Set(try db.rows("SELECT id FROM schema_migrations").compactMap { $0.text("id") })
        var done: [String] = []
        for migration in migrations where !applied.contains(migration.id) {
            try db.transaction {
                try db.execute(migration.sql)
                try db.run("INSERT INTO schema_migrations (id) VALUES (?)", [.text(migration.id)])
            }
            done.append(migration.id)
        }
        return done
    }
}
