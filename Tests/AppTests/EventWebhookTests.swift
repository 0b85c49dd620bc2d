import Foundation
import Glibc
import Testing
@testable import App

/// The Python receiver of Tests/Support/event_receiver.py, its port and its log of requests.
final class EventReceiver {
    let process = Process()
    let port: Int
    let log: String

    init(mode: String, secret: String, host: String = "127.0.0.1") throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID().uuidString).jsonl").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Binary.repository.appendingPathComponent("Tests/Support/event_receiver.py").path, log, secret, mode, host]
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

    @Test("an endpoint at a literal IPv6 address is delivered to, its scheme in any case", arguments: ["http", "HTTP"])
    func ipv6Literal(scheme: String) throws {
        let receiver = try EventReceiver(mode: "ok", secret: secret, host: "::1")
        let dir = try workspace(url: "\(scheme)://[::1]:\(receiver.port)/hook", events: ["response.created"])
        let (serve, port) = try startServe(in: dir, environment: ["MITREDEN_EVENTS_SECRET": secret, "MITREDEN_EVENTS_ALLOW_PRIVATE": "1"])
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        try answer(dir, port: port)
        let requests = receiver.wait(seconds: 10) { !$0.isEmpty }
        let row = try run(["sqlite3", "-separator", "|", dir + "/data/mitreden.sqlite", "SELECT status, attempts, last_error FROM event_queue"]).output
        #expect(requests.count == 1 && requests.first?["verified"] as? Bool == true, "\(row)")
        #expect(row == "delivered|1|\n", "\(row)")
    }

    @Test("MITREDEN_EVENTS_URL takes the scheme in any case, and refuses what is no http(s) URL")
    func eventsURLScheme() throws {
        let c = try Configuration.parse(options: [:], environment: ["MITREDEN_EVENTS_URL": "HTTPS://portal.lkee.example/events Https://b.example/h"])
        #expect(c.eventsURLs == ["HTTPS://portal.lkee.example/events", "Https://b.example/h"])
        for bad in ["ftp://portal.lkee.example/events", "https://", "portal.lkee.example/events"] {
            #expect { try Configuration.parse(options: [:], environment: ["MITREDEN_EVENTS_URL": bad]) } throws: { "\($0)".contains("must be an https:// URL") }
        }
    }

    /// Runs `serve` in a network namespace of its own with nothing but loopback (`unshare --net`),
    /// so that no attempt to any address can leave the machine, until each of `urls` has an
    /// attempt; returns each URL's last error.
    func attemptsWithoutNetwork(_ urls: [String]) throws -> [String: String] {
        let dir = try Binary.workspace()
        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        serve.arguments = ["--net", "--", "/bin/sh", "-c", "ip link set lo up && exec \"$0\" serve --listen 127.0.0.1:0", Binary.path]
        serve.currentDirectoryURL = URL(fileURLWithPath: dir)
        serve.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "MITREDEN_EVENTS_SECRET": secret, "MITREDEN_EVENTS_URL": urls.joined(separator: " "),
                             "MITREDEN_EVENTS_TIMEOUT": "1"]
        serve.standardOutput = FileHandle.nullDevice
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        var errors: [String: String] = [:]
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, errors.count < urls.count, serve.isRunning {
            Thread.sleep(forTimeInterval: 0.3)
            let rows = (try? run(["sqlite3", "-separator", "|", dir + "/data/mitreden.sqlite",
                                  "SELECT url, last_error FROM event_queue WHERE attempts > 0"]).output) ?? ""
            for row in rows.split(separator: "\n") {
                let fields = row.split(separator: "|", maxSplits: 1).map(String.init)
                if fields.count == 2 { errors[fields[0]] = fields[1] }
            }
        }
        return errors
    }

    @Test("IPv6 forms that carry a private IPv4 address are refused like it (in a network namespace with only loopback)")
    func embeddedPrivateV4() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"), "util-linux's unshare is needed")
        let refused = ["https://[::127.0.0.1]:9/h", "https://[::ffff:0:10.0.0.1]/h", "https://[2002:a9fe:a9fe::1]/h", "https://[64:ff9b::a00:1]/h",
                       "https://[64:ff9b:1:7f00:0:100::]/h", "https://[::ffff:192.168.1.1]/h"]
        // A public address carried the same way passes the guard; in the namespace it cannot be reached.
        let passed = ["https://[2002:5db8:d822::1]/h"]
        let errors = try attemptsWithoutNetwork(refused + passed)
        for url in refused {
            #expect(errors[url]?.contains("resolves only to loopback, private or link-local addresses") == true, "\(url): \(errors[url] ?? "no attempt")")
        }
        for url in passed {
            #expect(errors[url] != nil && errors[url]?.contains("resolves only to") == false, "\(url): \(errors[url] ?? "no attempt")")
        }
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
