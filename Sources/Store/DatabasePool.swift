import Foundation

/// Database connections for threads that serve requests: each call borrows one, at most
/// `size` at once (SQLite connections are not shared between threads).
public final class DatabasePool: @unchecked Sendable {
    let directory: String
    let size: Int
    private let condition = NSCondition()
    private var idle: [Database] = []
    private var open = 0

    /// Where events of what the connections write go (nil: off).
    let events: EventRoutes?

    public init(directory: String, size: Int = 8, events: EventRoutes? = nil) {
        self.directory = directory
        self.size = size
        self.events = events
    }

    /// Runs `body` with a connection of its own.
    /// - Throws: what `body` throws, or `SQLiteError` when a connection cannot be opened.
    public func with<T>(_ body: (Database) throws -> T) throws -> T {
        condition.lock()
        while idle.isEmpty && open >= size { condition.wait() }
        var database = idle.popLast()
        if database == nil { open += 1 }
        condition.unlock()
        if database == nil {
            do {
                database = try Database(directory: directory)
                database?.events = events
            } catch {
                condition.lock(); open -= 1; condition.signal(); condition.unlock()
                throw error
            }
        }
        defer {
            condition.lock()
            idle.append(database!)
            condition.signal()
            condition.unlock()
        }
        return try body(database!)
    }
}
