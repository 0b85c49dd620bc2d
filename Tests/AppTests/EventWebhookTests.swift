import Foundation
import Glibc
import Testing

/// The Python receiver of Tests/Support/event_receiver.py, its port and its log of requests.
final class EventReceiver {
    let process = Process()
    let port: Int
    let log: String

    init(mode: String, secret: String) throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID().uuidString).jsonl").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Binary.repository.appendingPathComponent("Tests/Support/event_receiver.py").path, log, secret, mode]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The requests so far.
    var requests: [[String: Any]] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Waits until `enough` holds for the requests, up to `seconds`.
    func wait(seconds: Double, until enough: ([[String: Any]]) -> Bool) -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if enough(requests) { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return requests
    }
}

@Suite("Outgoing event webhooks (real daemon, a Python receiver that verifies signatures itself)", .serialized)
struct EventWebhookTests {
    let secret = "whsec_" + Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString()

    /// A workspace whose `survey` sends `events` to `url`, optionally not anonymous.
    func workspace(survey: String = "jugendcheck-2027", url: String, events: [String], anonymous: Bool = true) throws -> String {
        let dir = try Binary.workspace()
        let path = dir + "/surveys/\(survey).yml"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if !anonymous { text = text.replacingOccurrences(of: "anonymous: true", with: "anonymous: false") }
        text = text.replacingOccurrences(of: "\nquestions:\n", with: "\nwebhooks:\n  - url: \(url)\n    events: [\(events.joined(separator: ", "))]\nquestions:\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Binary.run(["check", path], in: dir).status == 0)
        return dir
    }

    func answer(_ dir: String, port: Int) throws {
        try importParticipants(1, into: dir)
        let token = try run(["sqlite3", dir + "/data/mitreden.sqlite", "SELECT token FROM participants"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try httpClient(port, "POST", "/t/\(token)", form: "alter=15-17&engagiert=no&wunsch=Skaterpark").status == 303)
    }

    @Test("response.created: answered 500 twice, delivered on the third try with the same webhook-id, signature verified; anonymous: no answers")
    func retriedUntilDelivered() throws {
        let receiver = try EventReceiver(mode: "flaky", secret: secret)
        let dir = try workspace(url: "http://127.0.0.1:\(receiver.port)/hooks/mitreden", events: ["response.created"])
        let (serve, port) = try startServe(in: dir, environment: ["MITREDEN_EVENTS_SECRET": secret, "MITREDEN_EVENTS_ALLOW_PRIVATE": "1"])
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        try answer(dir, port: port)
        let requests = receiver.wait(seconds: 20) { $0.contains { $0["status"] as? Int == 200 } }
        #expect(requests.map { $0["status"] as? Int } == [500, 500, 200])
        #expect(Set(requests.compactMap { $0["id"] as? String }).count == 1, "one webhook-id for every attempt")
        #expect(requests.allSatisfy { $0["verified"] as? Bool == true })
        let body = requests.last?["body"] as? [String: Any] ?? [:]
        let data = body["data"] as? [String: Any] ?? [:]
        #expect(body["type"] as? String == "response.created" && data["survey"] as? String == "jugendcheck-2027")
        #expect(data["response"] is String && data.count == 2, "an anonymous survey's event carries only the survey and the response id: \(data)")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try run(["sqlite3", dir + "/data/mitreden.sqlite", "SELECT status, attempts FROM event_queue"]).output == "delivered|3\n")
    }

    @Test("a survey that is not anonymous sends the answers; survey.opened once")
    func answersAndOpened() throws {
        let receiver = try EventReceiver(mode: "ok", secret: secret)
        let dir = try workspace(url: "http://127.0.0.1:\(receiver.port)/hook", events: ["response.created", "survey.opened"], anonymous: false)
        let (serve, port) = try startServe(in: dir, environment: ["MITREDEN_EVENTS_SECRET": secret, "MITREDEN_EVENTS_ALLOW_PRIVATE": "1"])
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        try answer(dir, port: port)
        let requests = receiver.wait(seconds: 15) { $0.count >= 2 }
        let types = requests.compactMap { ($0["body"] as? [String: Any])?["type"] as? String }.sorted()
        #expect(types == ["response.created", "survey.opened"])
        let created = requests.first { ($0["body"] as? [String: Any])?["type"] as? String == "response.created" }
        let answers = ((created?["body"] as? [String: Any])?["data"] as? [String: Any])?["answers"] as? [String: Any]
        #expect(answers?["alter"] as? String == "15-17" && answers?["wunsch"] as? String == "Skaterpark")
    }

    @Test("an endpoint that never answers: attempts time out and are retried; the daemon keeps serving")
    func silentEndpoint() throws {
        let receiver = try EventReceiver(mode: "silent", secret: secret)
        let dir = try workspace(url: "http://127.0.0.1:\(receiver.port)/hook", events: ["response.created"])
        let (serve, port) = try startServe(in: dir, environment: ["MITREDEN_EVENTS_SECRET": secret, "MITREDEN_EVENTS_ALLOW_PRIVATE": "1",
                                                               "MITREDEN_EVENTS_TIMEOUT": "1"])
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        try answer(dir, port: port)
        let start = Date()
        var asked = 0, healthy = 0
        while Date().timeIntervalSince(start) < 5 {
            asked += 1
            if try httpClient(port, "GET", "/healthz").status == 200 { healthy += 1 }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(asked >= 5 && healthy == asked, "the daemon answers while the endpoint hangs")
        let row = try run(["sqlite3", "-separator", "|", dir + "/data/mitreden.sqlite", "SELECT status, attempts, last_error FROM event_queue"]).output
        let fields = row.split(separator: "|")
        #expect(fields.first == "pending" || fields.first == "sending", "\(row)")
        #expect((Int(fields.count > 1 ? fields[1] : "") ?? 0) >= 2, "retried: \(row)")
        #expect(row.lowercased().contains("timeout") || row.lowercased().contains("timed out"), "\(row)")
    }

    @Test("without MITREDEN_EVENTS_ALLOW_PRIVATE a loopback endpoint is never called")
    func ssrfGuard() throws {
        let receiver = try EventReceiver(mode: "ok", secret: secret)
        let dir = try workspace(url: "http://127.0.0.1:\(receiver.port)/hook", events: ["response.created"])
        let (serve, port) = try startServe(in: dir, environment: ["MITREDEN_EVENTS_SECRET": secret])
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        try answer(dir, port: port)
        Thread.sleep(forTimeInterval: 2.5)
        #expect(receiver.requests.isEmpty)
        let row = try run(["sqlite3", "-separator", "|", dir + "/data/mitreden.sqlite", "SELECT status, last_error FROM event_queue"]).output
        #expect(row.contains("only https://"), "\(row)")
    }
}
