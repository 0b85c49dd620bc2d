import Foundation
import Glibc

/// Group commit for responses: request threads hand their response to one writer thread and
/// wait; the writer stores everything waiting in one transaction (one fsync) and then answers
/// each. A request is answered only after its transaction is on disk.
public final class ResponseWriter: @unchecked Sendable {
    private final class Job: @unchecked Sendable {
        let response: NewResponse
        var outcome: Result<StoreOutcome, Error>?
        let done = DispatchSemaphore(value: 0)
        init(_ response: NewResponse) { self.response = response }
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
        let thread = Thread { [self] in run() }
        thread.name = "response-writer"
        thread.start()
    }

    /// Stores `response`; returns once it is committed (or failed).
    public func store(_ response: NewResponse) throws -> StoreOutcome {
        let job = Job(response)
        condition.lock()
        waiting.append(job)
        condition.signal()
        condition.unlock()
        job.done.wait()
        return try job.outcome!.get()
    }

    private func run() {
        while true {
            condition.lock()
            while waiting.isEmpty { condition.wait() }
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            condition.unlock()
            let now = Date()
            do {
                try database.connection.transaction {
                    for job in batch { job.outcome = .success(try database.insert(job.response, now: now)) }
                }
            } catch {
                for job in batch { job.outcome = .failure(error) }
            }
            for job in batch { job.done.signal() }
        }
    }
}
