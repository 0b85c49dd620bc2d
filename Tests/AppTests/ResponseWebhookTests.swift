import Foundation
import Glibc
import Testing

@Suite("Response webhook (real daemon, signed by Python)", .serialized)
struct ResponseWebhookTests {
    let secret = "whsec_" + Data("geheimer-schluessel-fuer-tests-32b".utf8).base64EncodedString()

    func post(_ port: Int, id: String, body: String, offset: Int = 0, tamper: Bool = false, in dir: String) throws -> (status: Int, type: String, body: String) {
        let file = dir + "/body-\(UUID().uuidString).json"
        try body.write(toFile: file, atomically: true, encoding: .utf8)
        let script = Binary.repository.appendingPathComponent("Tests/Support/webhook_client.py").path
        let result = try run(["python3", script, String(port), secret, id, String(offset), file] + (tamper ? ["tamper"] : []))
        let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] ?? [:]
        return (json["status"] as? Int ?? 0, json["type"] as? String ?? "", json["body"] as? String ?? "")
    }

    @Test("201 once stored, the same id replayed, and every refusal of SPEC.md")
    func webhook() throws {
        let dir = try Binary.workspace()
        try importParticipants(2, into: dir)
        let tokens = try run(["sqlite3", dir + "/data/mitreden.sqlite", "SELECT token FROM participants ORDER BY id"]).output.split(separator: "\n").map(String.init)
        let (serve, port) = try startServe(in: dir, environment: ["MITREDEN_WEBHOOK_SECRET": secret])
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        func body(_ token: String, _ answers: String) -> String { #"{"survey": "jugendcheck-2027", "token": "\#(token)", "answers": \#(answers)}"# }
        let good = #"{"alter": "15-17", "themen": ["oepnv", "schule"], "zufriedenheit": 4, "aussagen": {"mitreden": "4"}, "engagiert": "yes", "stunden": 3, "wunsch": "Mehr Busse", "vorschlaege": ["wlan", "skatepark", "jugendtreff"]}"#

        let created = try post(port, id: "msg_1", body: body(tokens[0], good), in: dir)
        #expect(created.status == 201, "\(created.body)")
        #expect(created.body.hasPrefix(#"{"response":""#))
        let replay = try post(port, id: "msg_1", body: body(tokens[0], good), in: dir)
        #expect(replay.status == 201 && replay.body == created.body, "the same webhook-id gets the first answer")
        let again = try post(port, id: "msg_2", body: body(tokens[0], good), in: dir)
        #expect(again.status == 409 && again.type == "application/problem+json")

        #expect(try post(port, id: "msg_3", body: body(tokens[1], good), tamper: true, in: dir).status == 401)
        #expect(try post(port, id: "msg_4", body: body(tokens[1], good), offset: -301, in: dir).status == 401)
        #expect(try post(port, id: "msg_5", body: #"{"survey": "gibtsnicht", "answers": {}}"#, in: dir).status == 404)
        #expect(try post(port, id: "msg_6", body: body("AAAAAAAAAAAAAAAAAAAAAAAA", good), in: dir).status == 404)
        #expect(try post(port, id: "msg_7", body: #"{"survey": "jugendcheck-2027", "answers": {}}"#, in: dir).status == 422)
        #expect(try post(port, id: "msg_8", body: "{not json", in: dir).status == 400)

        let broken = try post(port, id: "msg_9", body: body(tokens[1], #"{"alter": 15, "themen": "oepnv", "zufriedenheit": 9, "stunden": 3, "engagiert": "no", "unbekannt": 1}"#), in: dir)
        #expect(broken.status == 422)
        let problem = try JSONSerialization.jsonObject(with: Data(broken.body.utf8)) as? [String: Any] ?? [:]
        let errors = (problem["errors"] as? [[String: String]] ?? []).map { $0["question"] ?? "" }
        #expect(Set(errors) == ["alter", "themen", "zufriedenheit", "unbekannt"], "\(broken.body)")

        let open = try post(port, id: "msg_10", body: #"{"survey": "familienfreundlichkeit-herzberg", "answers": {"wohnort": "herzberg", "kinder": 1}}"#, in: dir)
        #expect(open.status == 201, "\(open.body)")
        let huge = try post(port, id: "msg_11", body: #"{"survey": "x", "pad": ""# + String(repeating: "a", count: 1_100_000) + #""}"#, in: dir)
        #expect(huge.status == 413)

        let stored = try run(["sqlite3", dir + "/data/mitreden.sqlite", "SELECT count(*) FROM responses; SELECT count(*) FROM webhook_receipts"]).output
        #expect(stored == "2\n2\n", "two responses, each stored once")
    }

    @Test("an anonymous survey's receipt keeps neither the sender's webhook-id nor a time of day; the same id still gets the first answer")
    func privateReceipt() throws {
        let dir = try Binary.workspace()
        try importParticipants(1, into: dir)
        let database = dir + "/data/mitreden.sqlite"
        let token = try run(["sqlite3", database, "SELECT token FROM participants"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let (serve, port) = try startServe(in: dir, environment: ["MITREDEN_WEBHOOK_SECRET": secret])
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        let body = #"{"survey": "jugendcheck-2027", "token": "\#(token)", "answers": {"alter": "15-17", "engagiert": "no"}}"#
        let created = try post(port, id: "msg_person_42", body: body, in: dir)
        #expect(created.status == 201, "\(created.body)")
        let replay = try post(port, id: "msg_person_42", body: body, in: dir)
        #expect(replay.status == 201 && replay.body == created.body, "the same webhook-id gets the first answer")
        Thread.sleep(forTimeInterval: 2.5)   // the WAL emptied (README, "What an anonymous survey stores")

        let receipts = try run(["sqlite3", database, "SELECT * FROM webhook_receipts"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(receipts.split(separator: "\n").count == 1)
        let day = try Regex("\\|[0-9]{4}-[0-9]{2}-[0-9]{2}$"), timeOfDay = try Regex("T[0-9]{2}:")
        #expect(!receipts.contains("msg_person_42") && receipts.contains(day) && !receipts.contains(timeOfDay), "\(receipts)")
        var raw = Data()
        for suffix in ["", "-wal", "-shm"] { raw.append(FileManager.default.contents(atPath: database + suffix) ?? Data()) }
        #expect(raw.range(of: Data("msg_person_42".utf8)) == nil, "the webhook-id is in the database files")
    }
}
