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

    private let condition = NSCondition()
    private var waiting: [Job] = []
    private let database: Database
    private let checkpointer: Database.Checkpointer
    /// The largest batch in one transaction.
    public var maxBatch = 512
    private let timesLock = NSLock()
    private var commitTimes = DurationHistogram()
    private var restartTimes = DurationHistogram()

    /// How long storing a group took (its inserts and the commit's fsync), and the WAL's restarts.
    public func times() -> (commits: DurationHistogram, restarts: DurationHistogram) {
        timesLock.withLock { (commitTimes, restartTimes) }
    }

    /// Opens its own connection and starts the writer thread. `events`: where `response.created`
    /// goes; `restartFrames` and `passDelay`: see `Database.Checkpointer` (smaller in tests).
    /// - Throws: `SQLiteError` when the database cannot be opened.
    public init(directory: String, events: EventRoutes? = nil,
                restartFrames: Int = Database.Checkpointer.restartFrames, passDelay: TimeInterval = Database.Checkpointer.passDelay) throws {
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
        checkpointer = try Database.Checkpointer(directory: directory, restartFrames: restartFrames, passDelay: passDelay)
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
            let started = DurationHistogram.clock()
            let outcomes: [Result<StoreOutcome, Error>]
            do {
                outcomes = try database.storeGroup(batch.map(\.response), now: now).map { .success($0) }
            } catch {
                outcomes = batch.map { _ in .failure(error) }
            }
            let stored = DurationHistogram.clock()
            for (job, outcome) in zip(batch, outcomes) { job.completion(outcome) }
            checkpointer.committed()
            let restart = checkpointer.restartIfWanted(database.connection)
            timesLock.withLock {
                commitTimes.record(stored - started)
                if let restart { restartTimes.record(restart) }
            }
        }
    }
}

extension Database {
    /// Copies committed pages from the WAL into the database file on its own thread and
    /// connection (SQLite's PASSIVE checkpoint: writers go on meanwhile), `passDelay` after a commit,
    /// so that one pass takes in many commits (a page changed by several is copied once). Idle
    /// when nothing is written.
    ///
    /// The WAL starts over from its beginning only when a transaction begins while everything
    /// in it has been copied, which under unbroken load never happens by itself (the writer
    /// has added more by the time a pass ends): the WAL grew to 750 MB in ten seconds. So once
    /// it holds `restartFrames`, a pass asks the writer to start it over between two
    /// transactions (RESTART: it copies what came during and since the pass, under full load
    /// about a thousand pages, and syncs the database file).
    public final class Checkpointer: @unchecked Sendable {
        /// About 160 MB of WAL with 4 KiB pages.
        public static let restartFrames = 40_000
        /// From a commit to the pass that copies it.
        public static let passDelay: TimeInterval = 0.2
        private var restartWanted = false
        private let condition = NSCondition()
        private var pending = false
        private let database: Database

        init(directory: String, restartFrames: Int, passDelay: TimeInterval) throws {
            database = try Database(directory: directory)
            // Never closed: closing any descriptor of the database file would drop the locks
            // SQLite holds on it in this process (POSIX locks belong to the process and file).
            let file = open(database.connection.path, O_RDONLY | O_CLOEXEC)
            let thread = Thread { [self] in
                mitreden_name_thread("checkpoint")
                while true {
                    condition.lock()
                    while !pending { condition.wait() }
                    pending = false
                    condition.unlock()
                    usleep(useconds_t(passDelay * 1_000_000))
                    // An error (SQLITE_BUSY: another checkpoint running, e.g. purge's) only
                    // postpones the copy to the next pass.
                    let frames = (try? database.connection.row("PRAGMA wal_checkpoint(PASSIVE)"))??.int("log") ?? 0
                    // Under load a pass never reaches the end of the WAL, and SQLite syncs the
                    // database file only when one does: the restart's sync then wrote a whole
                    // WAL's worth of copied pages, 50 to 180 ms that every submission waited for.
                    // Writing them out after each pass leaves it little: 256 KiB of the file at a
                    // time, each waited for, so a commit's fsync queues behind one chunk at most
                    // (starting all of it at once held commits up to 250 ms at times).
                    if file >= 0 { _ = mitreden_write_back(file, 256 * 1024) }
                    if frames > restartFrames { condition.withLock { restartWanted = true } }
                }
            }
            thread.start()
        }

        /// The writer, between transactions: starts the WAL over when a pass asked for it.
        /// - Returns: how long the restart took, nil when none was wanted.
        func restartIfWanted(_ connection: Connection) -> Double? {
            guard condition.withLock({ restartWanted }) else { return nil }
            let started = DurationHistogram.clock()
            // Without waiting: a reader on an old snapshot (a long export) or a pass running
            // would otherwise hold up every submission. Busy: copied what it could; next time.
            let busy = connection.withoutWaiting { (try? connection.row("PRAGMA wal_checkpoint(RESTART)"))??.int("busy") ?? 1 }
            if busy == 0 { condition.withLock { restartWanted = false } }
            return DurationHistogram.clock() - started
        }

        /// A transaction was committed: its pages are to be copied.
        func committed() {
            condition.lock()
            pending = true
            condition.signal()
            condition.unlock()
        }
    }
}
