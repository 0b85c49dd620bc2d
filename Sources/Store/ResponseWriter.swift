import CSystem
import Foundation
import Glibc
import SQLite

/// Group commit for responses: callers hand their response to one writer thread; the writer
/// stores everything waiting in one transaction (one fsync) and then tells each caller. A
/// request is answered only after its transaction is on disk.
public final class ResponseWriter: @unchecked Sendable {
    public typealias Completion = @Sendable (Result<StoreOutcome, Error>) -> Void

    private struct Job {
        let response: NewResponse
        let completion: Completion
    }

    /// A draft of a paged form to keep; the completion learns whether it was kept.
    private struct DraftJob {
        let save: DraftSave
        let completion: @Sendable (Result<Bool, Error>) -> Void
    }

    private let condition = NSCondition()
    private var waiting: [Job] = []
    private var drafts: [DraftJob] = []
    private let database: Database
    private let checkpointer: Database.Checkpointer
    /// The largest batch in one transaction.
    public var maxBatch = 512
    private let timesLock = NSLock()
    private var commitTimes = DurationHistogram()
    private var restartTimes = DurationHistogram()
    private var truncateTimes = DurationHistogram()

    /// How long storing a group took (its inserts and the commit's fsync), and the WAL's restarts.
    public func times() -> (commits: DurationHistogram, restarts: DurationHistogram) {
        timesLock.withLock { (commitTimes, restartTimes) }
    }

    /// How long the writer spent emptying the WAL after anonymous answers (`Database.Checkpointer`).
    public func truncationTimes() -> DurationHistogram {
        timesLock.withLock { truncateTimes }
    }

    /// Opens its own connection and starts the writer thread. `events`: where `response.created`
    /// goes; `restartFrames`, `passDelay` and `truncateDelay`: see `Database.Checkpointer` (smaller in tests).
    /// - Throws: `SQLiteError` when the database cannot be opened.
    public init(directory: String, events: EventRoutes? = nil,
                restartFrames: Int = Database.Checkpointer.restartFrames, passDelay: TimeInterval = Database.Checkpointer.passDelay,
                truncateDelay: TimeInterval = Database.Checkpointer.truncateDelay) throws {
        database = try Database(directory: directory)
        database.events = events
        // Responses land at random places in their table (ids that do not follow the answer
        // order), so each commit touches many pages: keep 16 MiB of them in memory, not 2.
        try database.connection.execute("PRAGMA cache_size = -16384")
        // Checkpoints (copying the WAL's pages into the database file and syncing it) run on a
        // thread of their own, never inside a commit: with random ids a checkpoint writes
        // thousands of scattered pages, and in a commit it held up every waiting request for
        // 50 to 100 ms (the database file's fdatasync alone took 70 ms under load).
        try database.connection.execute("PRAGMA wal_autocheckpoint = 0")
        // Drafts deleted with their response may spill to overflow pages, which FAST would leave
        // on the free list as they were.
        try database.connection.execute("PRAGMA secure_delete = ON")
        // A WAL that grew past this (a burst of large drafts, a long reader) is cut back to it
        // when it starts over, instead of keeping its largest size.
        try database.connection.execute("PRAGMA journal_size_limit = 67108864")
        checkpointer = try Database.Checkpointer(directory: directory, restartFrames: restartFrames, passDelay: passDelay,
                                                 truncateDelay: truncateDelay)
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

    /// Keeps the draft of a paged form with the next group (its own transaction, before the
    /// group's responses); `completion` runs on the writer thread once it is on disk.
    public func submitDraft(_ save: DraftSave, completion: @escaping @Sendable (Result<Bool, Error>) -> Void) {
        condition.lock()
        drafts.append(DraftJob(save: save, completion: completion))
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            // Idle: wakes for the next submission, or when the WAL is due to be truncated.
            while waiting.isEmpty && drafts.isEmpty {
                guard let next = checkpointer.nextTruncation() else {
                    condition.wait()
                    continue
                }
                let wait = next - DurationHistogram.clock()
                if wait <= 0 { break }
                _ = condition.wait(until: Date().addingTimeInterval(min(wait, 60)))
            }
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            let draftBatch = Array(drafts.prefix(maxBatch))
            drafts.removeFirst(draftBatch.count)
            condition.unlock()
            if !draftBatch.isEmpty { keep(draftBatch) }
            if !batch.isEmpty { store(batch) }
            let truncation = checkpointer.truncateIfDue(database.connection)
            let restart = truncation?.truncated == true ? nil : checkpointer.restartIfWanted(database.connection)
            guard truncation?.truncated == true || restart != nil else { continue }
            timesLock.withLock {
                if let truncation, truncation.truncated { truncateTimes.record(truncation.seconds) }
                if let restart { restartTimes.record(restart) }
            }
        }
    }

    private func keep(_ batch: [DraftJob]) {
        do {
            let kept = try database.saveDrafts(batch.map(\.save))
            for (job, kept) in zip(batch, kept) { job.completion(.success(kept)) }
            // Its pages are to be copied like any commit's (a flood of drafts alone must not grow the WAL).
            checkpointer.committed(anonymous: false)
        } catch {
            for job in batch { job.completion(.failure(error)) }
        }
    }

    private func store(_ batch: [Job]) {
        let now = Date()
        let started = DurationHistogram.clock()
        let outcomes: [Result<StoreOutcome, Error>]
        do {
            outcomes = try database.storeGroup(batch.map(\.response), now: now).map { .success($0) }
        } catch {
            outcomes = batch.map { _ in .failure(error) }
        }
        let stored = DurationHistogram.clock()
        for (job, outcome) in zip(batch, outcomes) { job.completion(outcome) }
        checkpointer.committed(anonymous: batch.contains { $0.response.anonymous })
        timesLock.withLock { commitTimes.record(stored - started) }
    }
}
