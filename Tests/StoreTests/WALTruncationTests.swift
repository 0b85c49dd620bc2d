import Foundation
import SQLite
import Testing
@testable import Store

/// The WAL after anonymous answers: emptied within 2 seconds (README, "What an anonymous survey
/// stores"), also under unbroken load and after a long read.
@Suite("The WAL emptied after anonymous answers, on a real SQLite file", .serialized)
struct WALTruncationTests {
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }

    func walSize(_ directory: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: directory + "/mitreden.sqlite-wal"))?[.size] as? Int ?? 0
    }

    func answer(_ i: Int) -> NewResponse {
        NewResponse(surveyID: "probe", token: nil, anonymous: true, carried: [], answers: #"{"a":"yes","n":\#(i)}"#, source: "form")
    }

    @Test("under unbroken load of anonymous answers, with reads going on, the WAL is emptied at least every 2.5 s and is 0 bytes 2 s after the last answer")
    func emptiedUnderLoad() throws {
        let directory = try temporaryDirectory()
        try Database(directory: directory).register(survey)
        let writer = try ResponseWriter(directory: directory)
        let stop = Flag()
        // Reads all the time, each a transaction of its own (as the pages' lookups are).
        let reader = Thread {
            let database = try! Database(directory: directory)
            while !stop.isSet { _ = try? database.connection.row("SELECT response_count FROM surveys WHERE id = 'probe'") }
        }
        reader.start()
        // The WAL's size every 2 ms: it shrinks only when it is emptied.
        final class Shrinks: @unchecked Sendable {
            let lock = NSLock()
            var times: [Double] = []
        }
        let shrinks = Shrinks()
        let sampler = Thread { [self] in
            var last = walSize(directory)
            while !stop.isSet {
                let size = walSize(directory)
                if size < last { shrinks.lock.withLock { shrinks.times.append(DurationHistogram.clock()) } }
                last = size
                usleep(2_000)
            }
        }
        sampler.start()

        let inFlight = DispatchSemaphore(value: 64)
        let started = DurationHistogram.clock()
        var submitted = 0
        while DurationHistogram.clock() - started < 5 {
            inFlight.wait()
            writer.submit(answer(submitted)) { _ in inFlight.signal() }
            submitted += 1
        }
        for _ in 0..<64 { inFlight.wait() }
        let ended = DurationHistogram.clock()
        for _ in 0..<64 { inFlight.signal() }   // back to its start value (libdispatch checks it when it goes)
        Thread.sleep(forTimeInterval: 2)
        let size = walSize(directory)
        stop.set()

        let times = [started] + shrinks.lock.withLock { shrinks.times.filter { $0 < ended } } + [ended]
        let longest = zip(times, times.dropFirst()).map { $1 - $0 }.max() ?? 0
        #expect(longest <= 2.5, "\(times.count - 2) times emptied under load (\(submitted) answers in \(ended - started) s), longest without: \(longest) s")
        #expect(size == 0, "the WAL is \(size) bytes 2 s after the last answer")
        #expect(try Database(directory: directory).connection.row("SELECT count(*) AS n FROM responses")?.int("n") == submitted)
    }

    @Test("a reader on an old snapshot (a long export) postpones the truncation; it follows within half a second of the read's end")
    func afterALongRead() throws {
        let directory = try temporaryDirectory()
        try Database(directory: directory).register(survey)
        let writer = try ResponseWriter(directory: directory)
        Thread.sleep(forTimeInterval: 1.5)   // the truncation at the start is done
        let stored = DispatchGroup()
        for i in 0..<10 {
            stored.enter()
            writer.submit(answer(i)) { _ in stored.leave() }
        }
        stored.wait()
        let export = try Connection(path: directory + "/mitreden.sqlite", readOnly: true)
        try export.execute("BEGIN")
        #expect(try export.row("SELECT count(*) AS n FROM responses")?.int("n") == 10)
        Thread.sleep(forTimeInterval: 2.5)
        #expect(walSize(directory) > 0, "not emptied while the read goes on")
        try export.execute("COMMIT")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(walSize(directory) == 0, "emptied once the read ended")
    }
}
