import Foundation
import SQLite

/// The product database at `DIR/mitreden.sqlite`, migrated on open.
public final class Database {
    public let connection: Connection
    /// Where events of what this connection writes go; nil: events are off.
    public var events: EventRoutes?
    /// The last second `stamps` wrote out (a group commit stores many answers in the same second).
    private var lastStamps: (second: Int, time: String, day: String)?
    /// Whether this connection has its in-memory table of event retry times (`Database+Events`).
    var hasEventRetries = false

    /// Opens (creating the folder and file if needed, private: see `DataFolder`) and migrates.
    /// Deleted content is overwritten with zeros where that costs no extra writes (SQLite's
    /// `secure_delete = FAST`): a row deleted or rewritten shorter leaves nothing readable in its page.
    /// - Throws: `SQLiteError`, or `CocoaError` when the folder cannot be created.
    public init(directory: String) throws {
        try DataFolder.prepare(directory)
        connection = try Connection(path: (directory as NSString).appendingPathComponent("mitreden.sqlite"))
        DataFolder.tightenDatabaseFiles(directory)
        let applied = try Schema.migrator.migrate(connection)
        if applied.contains("0006-codes-letters-paper") { try assignMissingCodes() }
        try connection.execute("PRAGMA secure_delete = FAST")
    }

    /// A read-only connection to the same database file, for another thread.
    public init(readerOf other: Database) throws {
        connection = try Connection(path: other.connection.path, readOnly: true)
    }

    /// The current time as stored: UTC, ISO 8601, seconds.
    /// `now` as stored (`Database.now`) and its day, written out once per second.
    func stamps(_ now: Date) -> (time: String, day: String) {
        let second = Int(time_t(now.timeIntervalSince1970))   // as `now` truncates it
        if let last = lastStamps, last.second == second { return (last.time, last.day) }
        let time = Database.now(now)
        let day = String(decoding: time.utf8.prefix(10), as: UTF8.self)
        lastStamps = (second, time, day)
        return (time, day)
    }

    public static func now(_ date: Date = Date()) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        // Digit by digit: String(format:) cost microseconds, and this runs for every stored response.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        func digits(_ value: Int32, _ count: Int, then separator: UInt8) {
            var divisor: Int32 = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 { bytes.append(0x30 + UInt8((value / divisor) % 10)); divisor /= 10 }
            bytes.append(separator)
        }
        digits(parts.tm_year + 1900, 4, then: 0x2D)
        digits(parts.tm_mon + 1, 2, then: 0x2D)
        digits(parts.tm_mday, 2, then: 0x54)
        digits(parts.tm_hour, 2, then: 0x3A)
        digits(parts.tm_min, 2, then: 0x3A)
        digits(parts.tm_sec, 2, then: 0x5A)
        return String(decoding: bytes, as: UTF8.self)
    }
}
