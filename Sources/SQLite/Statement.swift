import CSQLite

/// A value bound to a statement or read from a row.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A prepared statement; owns the `sqlite3_stmt*` and finalizes it in `deinit`.
public final class Statement {
    let handle: OpaquePointer
    /// Unowned: the connection caches its statements, and a strong reference back would keep
    /// both alive for ever (never closing the file). A statement never outlives its connection.
    unowned let connection: Connection
    /// The SQL, carried into errors.
    public let sql: String

    init(connection: Connection, sql: String) throws {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(connection.handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw connection.error(rc, sql: sql) }
        handle = statement
        self.connection = connection
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Resets the statement and binds `values` to its parameters, in order.
    public func bind(_ values: [SQLValue]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
            case .real(let v): rc = sqlite3_bind_double(handle, index, v)
            case .text(let v): rc = sqlite3_bind_text(handle, index, v, -1, mitreden_sqlite_transient())
            case .blob(let v): rc = v.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), mitreden_sqlite_transient()) }
            }
            if rc != SQLITE_OK { throw connection.error(rc, sql: sql) }
        }
    }

    /// Ends the current run of the statement (its rows, and the read it holds).
    public func reset() {
        sqlite3_reset(handle)
    }

    /// Runs the statement with `values`, discarding any rows.
    public func run(_ values: [SQLValue] = []) throws {
        try bind(values)
        while try step() {}
    }

    /// All rows for `values`.
    public func rows(_ values: [SQLValue] = []) throws -> [Row] {
        try bind(values)
        var result: [Row] = []
        do {
            while try step() { result.append(currentRow()) }
        } catch {
            sqlite3_reset(handle)
            throw error
        }
        return result
    }

    /// Advances to the next row: true while there is one.
    public func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: sqlite3_reset(handle); return false
        case let rc:
            sqlite3_reset(handle)
            throw connection.error(rc, sql: sql)
        }
    }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// The value of column `index` of the current row.
    public func value(_ index: Int) -> SQLValue {
        let i = Int32(index)
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, i))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(handle, i)))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, i))
            guard count > 0, let bytes = sqlite3_column_blob(handle, i) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    /// Column `index` of the current row when it holds text, else nil.
    public func text(_ index: Int) -> String? {
        if case .text(let value) = value(index) { return value }
        return nil
    }

    /// Column `index` of the current row when it holds an integer, else nil.
    public func int(_ index: Int) -> Int? {
        if case .integer(let value) = value(index) { return Int(value) }
        return nil
    }

    /// The UTF-8 bytes of column `index` of the current row, without copying them: valid only
    /// inside `body` (until the next step). NULL gives no bytes.
    public func withText<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let i = Int32(index)
        guard let text = sqlite3_column_text(handle, i) else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, i))))
    }

    /// Hands the bytes of column `index` of the current row (a blob; empty when NULL) to `body`,
    /// without copying them; they are valid only inside `body`.
    public func withBlob<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let i = Int32(index)
        guard let blob = sqlite3_column_blob(handle, i) else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_column_bytes(handle, i))))
    }

    /// The column names, read once.
    lazy var columnNames: [String] = (0..<columnCount).map { String(cString: sqlite3_column_name(handle, Int32($0))) }

    func currentRow() -> Row {
        Row(names: columnNames, values: (0..<columnNames.count).map(value))
    }
}

/// One result row, read by column name.
public struct Row: Sendable {
    public let names: [String]
    public let values: [SQLValue]

    public subscript(_ name: String) -> SQLValue {
        guard let i = names.firstIndex(of: name) else { return .null }
        return values[i]
    }

    public func text(_ name: String) -> String? {
        switch self[name] {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        default: return nil
        }
    }

    public func int(_ name: String) -> Int? {
        switch self[name] {
        case .integer(let i): return Int(i)
        case .real(let d): return Int(d)
        case .text(let s): return Int(s)
        default: return nil
        }
    }
}
