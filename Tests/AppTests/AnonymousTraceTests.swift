import Foundation
import Glibc
import Testing

@Suite("What the database files keep of anonymous answers (real daemon, the files copied and read raw)", .serialized)
struct AnonymousTraceTests {
    @Test("two seconds after anonymous answers no WAL frame holds an earlier page state: no participant is linked to a response")
    func noLinkInTheWAL() throws {
        let dir = try Binary.workspace()
        try importParticipants(8, into: dir)
        let database = dir + "/data/mitreden.sqlite"
        let tokens = try run(["sqlite3", database, "SELECT token FROM participants ORDER BY id"]).output.split(separator: "\n").map(String.init)
        #expect(tokens.count == 8)
        let (serve, port) = try startServe(in: dir)
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        // As in the review: one answer after another through the form, apart long enough for
        // the checkpoints between them.
        for token in tokens {
            #expect(try httpClient(port, "POST", "/t/\(token)", form: "alter=15-17&engagiert=yes&stunden=3&themen=schule").status == 303)
            Thread.sleep(forTimeInterval: 0.6)
        }
        Thread.sleep(forTimeInterval: 2)   // README, "What an anonymous survey stores": within 2 seconds

        // A copy of the files as they are now, before anything else opens them.
        let wal = [UInt8](FileManager.default.contents(atPath: database + "-wal") ?? Data())
        let shm = [UInt8](FileManager.default.contents(atPath: database + "-shm") ?? Data())
        let responses = try run(["sqlite3", database, "SELECT id FROM responses WHERE survey_id = 'jugendcheck-2027'"]).output
            .split(separator: "\n").map(String.init)
        #expect(responses.count == 8)

        let frames = DatabaseFiles.frames(wal: wal)
        let links = DatabaseFiles.links(wal: wal, tokens: Set(tokens), responseIDs: responses)
        #expect(links.count == 0, "\(links.count) commits link participants to responses: \(links.map { "\($0.participants.count) to \($0.responses.count)" })")
        let flagged = frames.filter { frame in DatabaseFiles.participants(frame.image, page: frame.page, tokens: Set(tokens)).values.contains(true) }.count
        #expect(flagged == 0, "\(flagged) of \(frames.count) WAL frames (\(wal.count) bytes) show an answered flag")
        let holding = frames.filter { !DatabaseFiles.responses($0.image, ids: responses).isEmpty }.count
        #expect(holding == 0, "\(holding) of \(frames.count) WAL frames hold a response")
        let stale = DatabaseFiles.staleIndexEntries(shm: shm)
        #expect(stale.count == 0, "the -shm index still lists \(stale.count) page numbers of earlier frames: \(Set(stale).sorted().prefix(20))")
    }
}
