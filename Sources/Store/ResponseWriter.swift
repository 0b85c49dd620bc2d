import CSystem
import Foundation
import Glibc

/// Group commit for responses: callers hand their response to one writer thread; the writer
/// stores everything waiting in one transaction (one fsync) and then tells each caller. A
/// request is answered only after its transaction is on disk.
public final class ResponseWriter: @unchecked Sendable {
    public typealias Completion = @Sendable (Result<StoreOutcome, Error>) -> Void

    private struct Job {
        let response: NewResponse
        let completion: Completion
    }

    private let condition = NSCondition()
    private var waiting: [Job] = []
    private let database: Database
    /// The largest batch in one transaction.
    public var maxBatch = 512

    /// Opens its own connection and starts the writer thread. `events`: where `response.created` goes.
    /// - Throws: `SQLiteError` when the database cannot be opened.
    public init(directory: String, events: EventRoutes? = nil) throws {
        database = try Database(directory: directory)
        database.events = events
        // Responses land at random places in their table (ids that do not follow the answer
        // order), so each commit touches many pages: keep 16 MiB of them in memory, not 2.
        try database.connection.execute("PRAGMA cache_size = -16384")
        // Checkpoint after about 40 MB of WAL instead of 4: the same pages change again and
        // again (see above), and each checkpoint copies a page once however often it changed.
        try database.connection.execute("PRAGMA wal_autocheckpoint = 10000")
        let thread = Thread { [self] in
            mitreden_name_thread("response-writer")
            run()
        }
        thread.start()
    }

    /// Stores `response` with the next group; `completion` runs on the writer thread once the
    /// transaction is committed (or failed), and must not block.
    public func submit(_ response: NewResponse, completion: @escaping Completion) {
        condition.lock()
        waiting.append(Job(response: response, completion: completion))
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while waiting.isEmpty { condition.wait() }
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            condition.unlock()
            let now = Date()
            var outcomes: [Result<StoreOutcome, Error>] = []
            outcomes.reserveCapacity(batch.count)
            do {
                try database.connection.transaction {
                    for job in batch { outcomes.append(.success(try database.insert(job.response, now: now))) }
                }
            } catch {
                outcomes = batch.map { _ in .failure(error) }
            }
            for (job, outcome) in zip(batch, outcomes) { job.completion(outcome) }
        }
    }
}
