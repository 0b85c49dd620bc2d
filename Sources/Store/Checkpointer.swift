import CSystem
import Foundation
import Glibc
import SQLite

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
    ///
    /// Anonymous answers: a commit writes the participant's "answered" flag and the response to
    /// the WAL together, as whole page images, and a restart overwrites old frames only as far as
    /// the next commits reach. Diffing the frames left over showed whose flag was set in the commit
    /// that stored which response. So within `truncateDelay` of a commit that stored an anonymous
    /// answer (later while a reader holds an old snapshot, such as a long export or a backup), the
    /// writer empties the WAL: a TRUNCATE checkpoint (every page copied into the database file,
    /// which keeps only the latest version of each, then the WAL cut to 0 bytes and synced), and
    /// the page numbers of the old frames that the `-shm` index still lists are cleared.
    public final class Checkpointer: @unchecked Sendable {
        /// About 160 MB of WAL with 4 KiB pages.
        public static let restartFrames = 40_000
        /// From a commit to the pass that copies it.
        public static let passDelay: TimeInterval = 0.2
        /// From the first anonymous answer still in the WAL to its truncation (README: "within
        /// 2 seconds"): the answers of that second go together.
        public static let truncateDelay: TimeInterval = 1
        /// Under heavy load a WAL with anonymous answers is truncated as soon as a pass finds it
        /// this long (about 10 MB), not only after `truncateDelay`: cutting a file frees its
        /// blocks, 0.4 ms per MB here, and the writer waits for that (60 MB held it 25-40 ms).
        static let truncateFrames = 2_500
        /// Between two looks at a truncation that is due (while the writer is idle).
        static let retryInterval = 0.05
        /// A truncation a second late waits this long for readers (once a second): a steady stream
        /// of short reads can otherwise find the WAL busy at every attempt.
        static let patience: Int32 = 20

        private let condition = NSCondition()
        private var pending = false
        /// From taking a request for a pass until the pass and its write-back end.
        private var copying = false
        /// While a pass holds SQLite's checkpoint lock.
        private var passing = false
        private var passEnded = 0.0
        private var restartWanted = false
        /// The WAL was truncated: the next pass syncs that (off the writer).
        private var walSyncWanted = false
        /// When the oldest anonymous answer in the WAL was committed (`DurationHistogram.clock`).
        private var anonymousSince: Double?
        /// A pass found more than `truncateFrames` in the WAL while it held anonymous answers.
        private var walLong = false
        private var lastLook = 0.0
        private var lastAttempt = 0.0
        private var lastPatientAttempt = 0.0
        private let truncateDelay: TimeInterval
        private let database: Database
        /// The `-shm` file, to clear its index after a truncation; never closed (see `init`).
        private let index: Int32
        private let walPath: String

        /// The WAL may hold anonymous answers of a run that ended before its truncation: the
        /// first truncation is due `truncateDelay` after the start.
        init(directory: String, restartFrames: Int, passDelay: TimeInterval, truncateDelay: TimeInterval) throws {
            database = try Database(directory: directory)
            self.truncateDelay = truncateDelay
            walPath = database.connection.path + "-wal"
            anonymousSince = DurationHistogram.clock()
            // Never closed: closing any descriptor of the database file (or of the -shm file,
            // where SQLite keeps the WAL's locks) would drop the locks SQLite holds on it in this
            // process (POSIX locks belong to the process and file).
            let file = open(database.connection.path, O_RDONLY | O_CLOEXEC)
            index = open(database.connection.path + "-shm", O_RDWR | O_CLOEXEC)
            let thread = Thread { [self] in
                mitreden_name_thread("checkpoint")
                while true { pass(file: file, restartFrames: restartFrames, passDelay: passDelay) }
            }
            thread.start()
        }

        /// One pass, `passDelay` after a commit asked for it: copies the WAL's pages into the
        /// database file and writes them out.
        private func pass(file: Int32, restartFrames: Int, passDelay: TimeInterval) {
            condition.lock()
            while !pending { condition.wait() }
            pending = false
            copying = true
            condition.unlock()
            usleep(useconds_t(passDelay * 1_000_000))
            condition.withLock { passing = true }
            // An error (SQLITE_BUSY: another checkpoint running, e.g. purge's or a
            // truncation) only postpones the copy to the next pass.
            let frames = (try? database.connection.row("PRAGMA wal_checkpoint(PASSIVE)"))??.int("log") ?? 0
            condition.withLock { passing = false }
            // Under load a pass never reaches the end of the WAL, and SQLite syncs the
            // database file only when one does: the restart's sync then wrote a whole
            // WAL's worth of copied pages, 50 to 180 ms that every submission waited for.
            // Writing them out after each pass leaves it little: 256 KiB of the file at a
            // time, each waited for, so a commit's fsync queues behind one chunk at most
            // (starting all of it at once held commits up to 250 ms at times).
            if file >= 0 { _ = mitreden_write_back(file, 256 * 1024) }
            // SQLite cuts the WAL without a sync; until the file system commits that, a
            // crash could bring the old frames back.
            if condition.withLock({ () -> Bool in defer { walSyncWanted = false }; return walSyncWanted }) {
                let wal = open(walPath, O_RDONLY | O_CLOEXEC)
                if wal >= 0 {
                    fsync(wal)
                    close(wal)
                }
            }
            // A truncation due: copy also what came during the write-back, so that the
            // writer, which tries it right after, has little left to copy and sync.
            let truncating = condition.withLock { () -> Bool in
                if anonymousSince != nil && frames > Self.truncateFrames { walLong = true }
                return truncationDue(DurationHistogram.clock())
            }
            if truncating {
                condition.withLock { passing = true }
                _ = try? database.connection.row("PRAGMA wal_checkpoint(PASSIVE)")
                condition.withLock { passing = false }
            }
            condition.withLock {
                if frames > restartFrames { restartWanted = true }
                copying = false
                passEnded = DurationHistogram.clock()
            }
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

        /// A transaction was committed: its pages are to be copied. `anonymous`: it held
        /// anonymous answers (stored or not: a rolled-back group may have spilled pages to the WAL).
        func committed(anonymous: Bool) {
            condition.lock()
            pending = true
            if anonymous && anonymousSince == nil { anonymousSince = DurationHistogram.clock() }
            condition.signal()
            condition.unlock()
        }

        /// When the idle writer should next look at truncating the WAL (`DurationHistogram.clock`); nil: no need.
        func nextTruncation() -> Double? {
            condition.withLock { truncateDelay.isFinite ? anonymousSince.map { max(walLong ? 0 : $0 + truncateDelay, lastLook + Self.retryInterval) } : nil }
        }

        /// Whether the WAL is to be truncated at `now` (under the lock). Never with an infinite
        /// `truncateDelay` (tests of the restarts alone).
        private func truncationDue(_ now: Double) -> Bool {
            guard let since = anonymousSince, truncateDelay.isFinite else { return false }
            return walLong || now >= since + truncateDelay
        }

        /// The writer, between transactions or idle: empties the WAL once anonymous answers
        /// have been in it for `truncateDelay`. Under load it tries right after a pass and its
        /// write-back (little is then left to copy and sync: the truncation held the writer
        /// 35-40 ms at other moments), idle every `retryInterval`. Busy (a reader on the WAL,
        /// another writer): tried again then; first without waiting, and once the truncation is
        /// a second late, waiting up to `patience` for readers once a second.
        /// - Returns: how long the truncation (or the attempt) took, nil when none was tried.
        func truncateIfDue(_ connection: Connection) -> (seconds: Double, truncated: Bool)? {
            let started = DurationHistogram.clock()
            var patient = false
            let due = condition.withLock { () -> Bool in
                guard let since = anonymousSince, truncationDue(started) else { return false }
                let idle = !pending && !copying && started >= lastLook + Self.retryInterval
                lastLook = started
                guard !passing, idle || passEnded > lastAttempt else { return false }
                lastAttempt = started
                patient = started >= since + truncateDelay + 1 && started >= lastPatientAttempt + 1
                if patient { lastPatientAttempt = started }
                return true
            }
            guard due else { return nil }
            let busy = connection.waiting(atMost: patient ? Self.patience : 0) {
                (try? connection.row("PRAGMA wal_checkpoint(TRUNCATE)"))??.int("busy") ?? 1
            }
            guard busy == 0 else { return (DurationHistogram.clock() - started, false) }
            clearIndex(connection)
            // Only this thread commits answers, so none came in since the truncation began.
            condition.lock()
            anonymousSince = nil
            walLong = false
            restartWanted = false
            walSyncWanted = true
            pending = true
            condition.signal()
            condition.unlock()
            return (DurationHistogram.clock() - started, true)
        }

        /// Clears the page numbers that the `-shm` index (https://www.sqlite.org/walformat.html)
        /// still lists for the frames of the truncated WAL: in which order the pages were
        /// written, which told apart the pages one commit changed. SQLite zeroes the first 4,062
        /// of them only when the next frame is written, and the rest when the WAL grows that far.
        /// Safe only while no frame is in use: so under the write lock (BEGIN IMMEDIATE: no
        /// frame can be added) and only when both copies of the index header say the WAL holds
        /// no frame (`mxFrame` 0), so that no reader looks a page up in the index.
        private func clearIndex(_ connection: Connection) {
            guard index >= 0 else { return }
            try? connection.waiting(atMost: Self.patience) {
                try connection.transaction {
                    var header = [UInt8](repeating: 0, count: 136)
                    var status = stat()
                    guard pread(index, &header, header.count, 0) == header.count, fstat(index, &status) == 0,
                          header[12] == 1, header[60] == 1,   // isInit of both copies
                          header[16..<20].allSatisfy({ $0 == 0 }), header[64..<68].allSatisfy({ $0 == 0 }) else { return }
                    // The regions of 32 KiB: the page numbers, then the hash table over them;
                    // the first region starts with the 136-byte header (its locks included), kept.
                    let zeros = [UInt8](repeating: 0, count: 32768)
                    for region in 0..<(Int(status.st_size) / 32768) {
                        let start = region == 0 ? 136 : region * 32768
                        _ = pwrite(index, zeros, (region + 1) * 32768 - start, off_t(start))
                    }
                }
            }
        }
    }
}
