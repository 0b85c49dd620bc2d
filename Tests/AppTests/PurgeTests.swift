import Foundation
import Glibc
import Testing

@Suite("Purge (real daemon running, raw database bytes read back)", .serialized)
struct PurgeTests {
    @Test("purge leaves no email, name, postal address, token or access code in any table, in the database file or its WAL; results, status and export stay")
    func purge() throws {
        let dir = try Binary.workspace()
        try importParticipants(300, into: dir)
        #expect(try Binary.run(["invite", "jugendcheck-2027"], in: dir).status == 0)
        #expect(try Binary.run(["send"], in: dir).status == 0)
        // People reached by letter, and code cards for a class.
        var letters = "email;name;street;postcode;city;language;kommune;altersgruppe\n"
        for i in 0..<20 { letters += ";Erika Brief-\(i);Lindenallee \(i);04916;Herzberg (Elster);;Herzberg (Elster);15-17\n" }
        try letters.write(toFile: dir + "/briefe.csv", atomically: true, encoding: .utf8)
        #expect(try Binary.run(["participants", "import", "jugendcheck-2027", "briefe.csv"], in: dir).status == 0)
        #expect(try Binary.run(["codes", "jugendcheck-2027", "--count", "10", "--set", "kommune=Finsterwalde", "--set", "altersgruppe=12-14"], in: dir).status == 0)
        let database = dir + "/data/mitreden.sqlite"
        let tokens = try run(["sqlite3", database, "SELECT token FROM participants ORDER BY id"]).output.split(separator: "\n").map(String.init)
        let codes = try run(["sqlite3", database, "SELECT code FROM participants ORDER BY id"]).output.split(separator: "\n").map(String.init)
        #expect(tokens.count == 330 && codes.count == 330)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/data/outbox").count == 300)

        let (serve, port) = try startServe(in: dir)
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        for token in tokens.prefix(12) {
            #expect(try httpClient(port, "POST", "/t/\(token)", form: "alter=15-17&engagiert=yes&stunden=3&themen=schule").status == 303)
        }
        func snapshot() throws -> [String] {
            let results = try Binary.run(["results", "jugendcheck-2027", "--format", "json", "--by", "kommune"], in: dir).stdout
                .split(separator: "\n").filter { !$0.contains("generated_at") }.joined(separator: "\n")
            return [try Binary.run(["status", "jugendcheck-2027", "--by", "kommune"], in: dir).stdout, results,
                    try Binary.run(["export", "jugendcheck-2027"], in: dir).stdout]
        }
        let before = try snapshot()

        let refused = try Binary.run(["purge", "jugendcheck-2027"], in: dir, input: "no\n")
        #expect(refused.status == 1 && refused.stderr.contains("nothing erased"))
        #expect(try run(["sqlite3", database, "SELECT count(*) FROM participants WHERE token IS NOT NULL"]).output == "330\n")

        let purged = try Binary.run(["purge", "jugendcheck-2027"], in: dir, input: "yes\n")
        #expect(purged.status == 0, "\(purged.stderr)")
        #expect(purged.stdout.contains("erased the names, emails and links of 330 participants"), "\(purged.stdout)")
        #expect(purged.stdout.contains("removed 300 copies of its mail"))

        // Every row of every table, as text.
        let dump = try run(["sqlite3", database, ".dump"]).output
        #expect(dump.contains("CREATE TABLE participants") && dump.contains("INSERT INTO responses"))
        // The raw bytes of the database and its WAL (and shared-memory index), as the disk holds them.
        var raw = Data()
        for suffix in ["", "-wal", "-shm"] {
            if let bytes = FileManager.default.contents(atPath: database + suffix) { raw.append(bytes) }
        }
        #expect(raw.count > 100_000)
        let needles = ["schule.example", "Jörg Müller", "person1", "Erika Brief", "Lindenallee"] + tokens + codes
        for needle in needles {
            #expect(!dump.contains(needle), "\(needle) in a table")
            #expect(raw.range(of: Data(needle.utf8)) == nil, "\(needle) in the database files")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/data/outbox").isEmpty)
        #expect(try snapshot() == before, "results, status and export are unchanged")
        #expect(try httpClient(port, "GET", "/t/\(tokens[20])").status == 404, "the links no longer work")
    }
}
