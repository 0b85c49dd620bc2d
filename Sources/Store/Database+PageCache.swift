import SQLite

extension Database {
    /// Runs `body` with SQLite keeping up to `megabytes` of pages in memory on this connection,
    /// then sets the cache back. For one transaction that writes a million rows into indexes on
    /// random keys (tokens, access codes, envelope ids): with the default 2 MB every insert
    /// lands on a page no longer cached, and the transaction's changed pages spill to the WAL
    /// and are read back again and again, so the time grew faster than the rows.
    func withPageCache<T>(megabytes: Int, _ body: () throws -> T) throws -> T {
        let previous = try connection.row("PRAGMA cache_size")?.int("cache_size") ?? -2000
        try connection.execute("PRAGMA cache_size = \(-megabytes * 1024)")
        defer { try? connection.execute("PRAGMA cache_size = \(previous)") }
        return try body()
    }
}
