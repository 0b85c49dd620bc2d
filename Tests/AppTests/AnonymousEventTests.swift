import Foundation
import Glibc
import Testing

@Suite("Events about anonymous responses (real daemon, the Python receiver)", .serialized)
struct AnonymousEventTests {
    let secret = "whsec_" + Data((0..<32).map { UInt8($0 * 11 % 256) }).base64EncodedString()

    @Test("response.created of an anonymous survey carries the day as its timestamp; the queue keeps no time of day next to the response id, also while retrying")
    func keptToTheDay() throws {
        let receiver = try EventReceiver(mode: "flaky", secret: secret)
        let dir = try Binary.workspace()
        let path = dir + "/surveys/jugendcheck-2027.yml"
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
            of: "\nquestions:\n", with: "\nwebhooks:\n  - url: http://127.0.0.1:\(receiver.port)/hook\n    events: [response.created]\nquestions:\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try importParticipants(1, into: dir)
        let database = dir + "/data/mitreden.sqlite"
        let token = try run(["sqlite3", database, "SELECT token FROM participants"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let (serve, port) = try startServe(in: dir, environment: ["MITREDEN_EVENTS_SECRET": secret, "MITREDEN_EVENTS_ALLOW_PRIVATE": "1"])
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        #expect(try httpClient(port, "POST", "/t/\(token)", form: "alter=15-17&engagiert=no").status == 303)

        let timeOfDay = try Regex("T[0-9]{2}:[0-9]{2}")
        func queue() throws -> String {
            try run(["sqlite3", database, "SELECT id, created_at, next_attempt_at, coalesce(delivered_at, ''), body, status FROM event_queue"]).output
        }
        // Failed once (500), waiting for its retry.
        _ = receiver.wait(seconds: 10) { $0.count >= 1 }
        let waiting = try queue()
        #expect(waiting.contains("|pending") && waiting.contains("response.created"), "\(waiting)")
        #expect(!waiting.contains(timeOfDay), "a time of day next to the response id while it waits: \(waiting)")

        let requests = receiver.wait(seconds: 20) { $0.contains { $0["status"] as? Int == 200 } }
        #expect(requests.map { $0["status"] as? Int } == [500, 500, 200], "retried as before, from memory")
        let body = requests.last?["body"] as? [String: Any] ?? [:]
        let day = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        #expect(body["timestamp"] as? String == day, "the day, not the time: \(body)")
        Thread.sleep(forTimeInterval: 0.5)
        let done = try queue()
        #expect(done.hasSuffix("||delivered\n") && !done.contains(timeOfDay), "delivered, its body erased: \(done)")
    }
}
