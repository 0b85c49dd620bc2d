import CSQLite

/// One connection to an SQLite database file; owns the `sqlite3*` handle and closes it in
/// `deinit`. Not shared between threads: open one connection per thread.
public final class Connection {
    let handle: OpaquePointer
    /// Statements of `run`, `rows` and `row`, prepared once per SQL text.
    private var statements: [String: Statement] = [:]
    /// The last statements found, looked at first: a statement's SQL usually comes from one
    /// string literal, which compares equal at once, while hashing reads the whole text (about
    /// 1 us per submission in the response writer, whose statements run for every answer).
    private var recent: [(sql: String, statement: Statement)] = []
    private var nextRecent = 0
    /// The file this connection opened.
    public let path: String
    /// How long a statement waits for another connection's lock before SQLITE_BUSY.
    private let busyTimeout: Int32

    /// Opens (and creates) the database at `path` in WAL mode with foreign keys on,
    /// `synchronous=FULL` (a commit is on disk when it returns) and a busy timeout.
    /// - Throws: `SQLiteError`.
    public init(path: String, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 5000) throws {
        Self.library
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: message)
        }
        handle = db
        self.path = path
        busyTimeout = busyTimeoutMilliseconds
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        if !readOnly { try execute("PRAGMA journal_mode=WAL") }
        try execute("PRAGMA foreign_keys=ON")
        try execute("PRAGMA synchronous=FULL")
    }

    /// Runs `body` with statements that fail with SQLITE_BUSY at once instead of waiting.
    public func withoutWaiting<T>(_ body: () throws -> T) rethrows -> T {
        try waiting(atMost: 0, body)
    }

    /// Runs `body` with statements that wait at most `milliseconds` for another connection's
    /// lock before SQLITE_BUSY.
    public func waiting<T>(atMost milliseconds: Int32, _ body: () throws -> T) rethrows -> T {
        sqlite3_busy_timeout(handle, milliseconds)
        defer { sqlite3_busy_timeout(handle, busyTimeout) }
        return try body()
    }

    /// SQLite's process-wide settings, made once before the first connection opens: no memory
    /// statistics, so that allocations do not take SQLite's global mutex (every thread's
    /// connection allocated under the one lock). Nothing of ours reads those statistics.
    private static let library: Void = { _ = mitreden_sqlite_disable_memstatus() }()

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    /// - Throws: `SQLiteError`.
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message, sql: sql)
        }
    }

    /// Prepares a statement to run (several times) with bound values.
    /// - Throws: `SQLiteError`.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// Runs `sql` with `values` bound to its `?` parameters.
    /// - Throws: `SQLiteError`.
    public func run(_ sql: String, _ values: [SQLValue] = []) throws {
        try cached(sql).run(values)
    }

    /// The prepared statement for `sql`, kept for the next call with the same text.
    /// - Throws: `SQLiteError`.
    public func cached(_ sql: String) throws -> Statement {
        for entry in recent where entry.sql == sql { return entry.statement }
        let statement = try statements[sql] ?? prepare(sql)
        if statements.count < 256 { statements[sql] = statement }
        if recent.count < 8 { recent.append((sql, statement)) } else { recent[nextRecent] = (sql, statement) }
        nextRecent = (nextRecent + 1) % 8
        return statement
    }

    /// All rows of a query.
    /// - Throws: `SQLiteError`.
    public func rows(_ sql: String, _ values: [SQLValue] = []) throws -> [Row] {
        try cached(sql).rows(values)
    }

    /// The first row of a query, if any.
    /// - Throws: `SQLiteError`.
    public func row(_ sql: String, _ values: [SQLValue] = []) throws -> Row? {
        try cached(sql).rows(values).first
    }

    /// Runs `body` in an immediate transaction (the write lock is taken at the start, so it
    /// cannot fail half way with SQLITE_BUSY); commits when it returns, rolls back when it throws.
    /// BEGIN and COMMIT are prepared once (parsing them was a tenth of a mail claim's cost).
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try cached("BEGIN IMMEDIATE").run()
        do {
            let result = try body()
            try cached("COMMIT").run()
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The rowid of the last row this connection inserted.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    func error(_ code: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }
}
