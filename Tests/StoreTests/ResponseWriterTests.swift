import Foundation
import SQLite
import Testing
@testable import Store

@Suite("Group commit and checkpoints on a real SQLite file")
struct ResponseWriterTests {
    /// Submits `total` responses with 64 waiting at a time (like 64 clients) and returns how
    /// many were stored and the largest size the WAL file reached meanwhile.
    func load(_ writer: ResponseWriter, directory: String, total: Int, minGroupSize: Int = 5) -> (stored: Int, largestWAL: Int) {
        let inFlight = DispatchSemaphore(value: 64)
        let done = DispatchGroup()
        final class Count: @unchecked Sendable {
            let lock = NSLock()
            var value = 0
        }
        let stored = Count()
        var largest = 0
        for i in 0..<total {
            inFlight.wait()
            done.enter()
            let response = NewResponse(surveyID: "probe", token: nil, anonymous: true, carried: [], answers: #"{"a":"yes","n":\#(i)}"#,
                                       source: "form", minGroupSize: minGroupSize)
            writer.submit(response) { result in
                if case .success(.stored) = result { stored.lock.withLock { stored.value += 1 } }
                inFlight.signal()
                done.leave()
            }
            if i % 250 == 0 {
                let size = (try? FileManager.default.attributesOfItem(atPath: directory + "/mitreden.sqlite-wal"))?[.size] as? Int
                largest = max(largest, size ?? 0)
            }
        }
        done.wait()
        return (stored.lock.withLock { stored.value }, largest)
    }

    @Test("every submission is stored; under unbroken load the WAL is copied off the writer and starts over instead of growing")
    func walStartsOver() throws {
        var largest: [Int] = []
        var databaseSize = 0
        for restartFrames in [300, Int.max] {   // Int.max: never asked to start over
            let directory = try temporaryDirectory()
            try Database(directory: directory).register(survey)
            // Restarts only: the truncations after anonymous answers (WALTruncationTests) would also keep it small.
            let writer = try ResponseWriter(directory: directory, restartFrames: restartFrames, passDelay: 0.01, truncateDelay: .infinity)
            // Ids that share nothing (a group never reaches this minimum): a page per answer.
            let (stored, largestWAL) = load(writer, directory: directory, total: 20_000, minGroupSize: 1_000_000)
            #expect(stored == 20_000)
            #expect(try Database(directory: directory).connection.row("SELECT count(*) AS n FROM responses")?.int("n") == 20_000)
            largest.append(largestWAL)
            // Each group commit is timed, and each restart (none when never asked for).
            let (commits, restarts) = writer.times()
            #expect(commits.count > 0 && commits.count <= 20_000 && commits.longest > 0 && commits.sum >= commits.longest)
            #expect(restartFrames == 300 ? restarts.count > 0 : restarts.count == 0, "\(restarts.count) restarts")
            if restartFrames == 300 {
                // The writer checkpoints nothing itself (wal_autocheckpoint 0): the pages in the
                // database file were copied by the checkpointer.
                databaseSize = (try FileManager.default.attributesOfItem(atPath: directory + "/mitreden.sqlite")[.size] as? Int) ?? 0
            }
        }
        // Seen: 3-4 MB against 90 MB.
        #expect(largest[0] * 4 < largest[1], "largest WAL with restarts \(largest[0]) bytes, without \(largest[1])")
        #expect(databaseSize > 1_000_000, "database file \(databaseSize) bytes")
    }

    @Test("durations fall into the bucket of the first bound at or above them")
    func histogramBuckets() {
        var h = DurationHistogram()
        for seconds in [0.0005, 0.001, 0.003, 10] { h.record(seconds) }
        #expect(h.counts[0] == 2 && h.counts[1] == 0 && h.counts[2] == 1 && h.counts.last == 1 && h.count == 4)
        #expect(h.longest == 10 && abs(h.sum - 10.0045) < 1e-9)
    }

    @Test("under load the answers of one commit share half their id")
    func sharedHalvesUnderLoad() throws {
        let directory = try temporaryDirectory()
        try Database(directory: directory).register(survey)
        let writer = try ResponseWriter(directory: directory)
        #expect(load(writer, directory: directory, total: 5_000).stored == 5_000)
        // 64 waiting at a time: groups of 5 or more share a half, so far fewer halves than ids.
        let halves = try Database(directory: directory).connection.row("SELECT count(DISTINCT substr(id, 1, 12)) AS n FROM responses")?.int("n") ?? 0
        #expect(halves < 5_000 / 5, "\(halves) different halves among 5,000 ids")
    }
}
