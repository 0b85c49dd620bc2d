import Foundation
import SQLite

/// The product database at `DIR/mitreden.sqlite`, migrated on open.
public final class Database {
    public let connection: Connection
    /// Where events of what this connection writes go; nil: events are off.
    public var events: EventRoutes?

    /// Opens (creating the folder and file if needed) and migrates.
    /// - Throws: `SQLiteError`, or `CocoaError` when the folder cannot be created.
    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        connection = try Connection(path: (directory as NSString).appendingPathComponent("mitreden.sqlite"))
        try Schema.migrator.migrate(connection)
    }

    /// A read-only connection to the same database file, for another thread.
    public init(readerOf other: Database) throws {
        connection = try Connection(path: other.connection.path, readOnly: true)
    }

    /// The current time as stored: UTC, ISO 8601, seconds.
    public static func now(_ date: Date = Date()) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
