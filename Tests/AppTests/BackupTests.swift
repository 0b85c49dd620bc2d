import Foundation
import Glibc
import Testing

@Suite("Backup under write load (real daemon, four form clients)", .serialized)
struct BackupTests {
    @Test("a backup taken while answers arrive holds every answer acknowledged before it started; restored, the daemon serves them")
    func backupUnderLoad() throws {
        let dir = try Binary.workspace()
        let (serve, port) = try startServe(in: dir)
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        let log = dir + "/acks.log"
        let load = Process()
        load.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        load.arguments = ["python3", Binary.repository.appendingPathComponent("Tests/Support/form_load.py").path, String(port), "familienfreundlichkeit-herzberg", "8", log]
        try load.run()
        // Start the backup once answers are arriving (a fixed pause was too short under the
        // address sanitizer with the whole suite running on two cores).
        let waitUntil = Date().addingTimeInterval(30)
        while Date() < waitUntil, ((try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").count ?? 0) < 40 {
            Thread.sleep(forTimeInterval: 0.1)
        }
        let started = Date().timeIntervalSince1970
        let backup = try Binary.run(["backup", "sicherung.sqlite"], in: dir)
        #expect(backup.status == 0 && backup.stdout.contains("wrote a backup"), "\(backup.stderr)")
        load.waitUntilExit()

        let acknowledged = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ") }
        let before = Set(acknowledged.filter { Double($0[1])! < started }.map { String($0[0]) })
        #expect(before.count > 20, "answers were arriving when the backup started (\(before.count))")
        #expect(acknowledged.count > before.count, "and kept arriving while it ran")
        #expect(!FileManager.default.fileExists(atPath: dir + "/sicherung.sqlite-wal"), "no WAL beside the copy")
        #expect(try Binary.run(["backup", "sicherung.sqlite"], in: dir).status == 1, "never over an existing file")

        // Restore into a fresh data folder and start the daemon on it.
        let restored = try Binary.workspace()
        try FileManager.default.createDirectory(atPath: restored + "/data", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dir + "/sicherung.sqlite", toPath: restored + "/data/mitreden.sqlite")
        let token = "backup-test-admin-token-0123456789"
        let (again, againPort) = try startServe(in: restored, environment: ["MITREDEN_ADMIN_TOKEN": token])
        defer { kill(again.processIdentifier, SIGKILL); again.waitUntilExit() }
        let results = try curl(againPort, "/api/surveys/familienfreundlichkeit-herzberg/results", token: token)
        let document = try JSONSerialization.jsonObject(with: Data(results.body.utf8)) as? [String: Any] ?? [:]
        let idee = (document["questions"] as? [[String: Any]])?.first { $0["id"] as? String == "idee" }
        let answers = Set(idee?["answers"] as? [String] ?? [])
        #expect(before.isSubset(of: answers), "missing from the restored backup: \(before.subtracting(answers).prefix(5))")
        #expect((document["responses"] as? Int ?? 0) == answers.count)
    }
}
