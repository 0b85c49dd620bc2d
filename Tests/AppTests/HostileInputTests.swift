import Foundation
import Glibc
import Testing

@Suite("Hostile input (real daemon, raw sockets, signed and forged webhooks, broken forms and files)", .serialized)
struct HostileInputTests {
    let secret = "whsec_" + Data((0..<32).map { UInt8(($0 * 13) % 256) }).base64EncodedString()

    @Test("every hostile request gets its documented status; nothing is stored; the daemon still answers")
    func requests() throws {
        let dir = try Binary.workspace()
        let conference = try String(contentsOfFile: dir + "/surveys/bildungskonferenz-2027.yml", encoding: .utf8)
            .replacingOccurrences(of: "id: bildungskonferenz-2027", with: "id: konferenz-geschlossen").replacingOccurrences(of: "access: invite", with: "access: open")
            .replacingOccurrences(of: "attributes: [bereich]\n", with: "").replacingOccurrences(of: "reminders:\n  after: 5d\n  max: 1\n", with: "")
        try Binary.withDates(conference, opens: "2025-01-01", closes: "2025-02-01").write(toFile: dir + "/surveys/konferenz-geschlossen.yml", atomically: true, encoding: .utf8)
        let token = "hostile-test-admin-token-0123456789"
        let (serve, port) = try startServe(in: dir, environment: ["MITREDEN_WEBHOOK_SECRET": secret, "MITREDEN_ADMIN_TOKEN": token])
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        let db = dir + "/data/mitreden.sqlite"
        func snapshot() throws -> String { try run(["sqlite3", db, "SELECT count(*) FROM responses; SELECT count(*) FROM webhook_receipts; SELECT count(*) FROM participants"]).output }
        let before = try snapshot()

        let output = try run(["python3", Binary.repository.appendingPathComponent("Tests/Support/hostile_corpus.py").path, String(port), secret,
                              Binary.repository.appendingPathComponent("Tests/Support/http_hostile.json").path]).output
        let lines = output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let cases = lines.filter { $0["name"] != nil }
        #expect(cases.count >= 90, "corpus size \(cases.count)")
        for c in cases {
            #expect(c["got"] as? Int == c["expected"] as? Int, "\(c["name"]!): expected \(c["expected"]!), got \(c["got"]!)")
        }
        #expect(lines.last?["healthz"] as? Int == 200, "the daemon still answers")
        #expect(try snapshot() == before, "nothing was stored")
        #expect(kill(serve.processIdentifier, 0) == 0, "the daemon is still running")
    }

    @Test("answers that look like spreadsheet formulas come out of every CSV as text")
    func formulasInCSV() throws {
        let dir = try Binary.workspace()
        let token = "hostile-test-admin-token-0123456789"
        let (serve, port) = try startServe(in: dir, environment: ["MITREDEN_ADMIN_TOKEN": token])
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        for formula in ["=HYPERLINK(\"http://evil.example\",\"Klick\")", "+49 30 1234", "@SUM(A1:A9)", "-2+3"] {
            let body = "wohnort=herzberg&idee=" + (formula.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            #expect(try httpClient(port, "POST", "/s/familienfreundlichkeit-herzberg", form: body).status == 303)
        }
        for path in ["results.csv", "responses.csv"] {
            let csv = try curl(port, "/api/surveys/familienfreundlichkeit-herzberg/\(path)", token: token).body
            #expect(csv.contains("'=HYPERLINK(") && csv.contains("'+49 30 1234") && csv.contains("'@SUM(A1:A9)") && csv.contains("'-2+3"), "\(path)")
            let cells = csv.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == "\r" }).map { $0.hasPrefix("\"") ? $0.dropFirst() : $0 }
            #expect(!cells.contains { $0.hasPrefix("=") || $0.hasPrefix("@") || $0.hasPrefix("+") }, "\(path): no cell starts a formula")
        }
    }

    @Test("hostile survey files and templates: an error with its place, nothing loaded", arguments: [
        ("id: ../../etc/passwd\ntitle: x\nquestions: []\n", "id"),
        ("id: a/b\ntitle: x\nquestions: []\n", "id"),
        ("id: ok\ntitle: x\nmail:\n  invitation: ../../../etc/passwd\nquestions:\n  - id: q\n    type: yesno\n    text: Q\n", "template name"),
        ("a: &anchor [1]\nb: *anchor\n", "anchor"),
        ("id: x\n\ttitle: y\n", "tab"),
        ("id: x\nid: y\n", "duplicate"),
        ("id: \u{0}\n", "error"),
        (String(repeating: "- ", count: 5000) + "x\n", "nested deeper"),
        ("id: t\ntitle: T\nquestions:\n  - id: a\n    type: yesno\n    text: A\n  - id: b\n    type: yesno\n    text: B\n    show_if: "
            + String(repeating: "(", count: 20000) + "a == yes" + String(repeating: ")", count: 20000) + "\n", "nested deeper"),
        ("id: t\ntitle: T\nquestions:\n  - id: a\n    type: yesno\n    text: A\n  - id: b\n    type: yesno\n    text: B\n    show_if: a == yes"
            + String(repeating: " and a == yes", count: 5000) + "\n", "split the condition"),
    ])
    func files(text: String, mentions: String) throws {
        let dir = try Binary.workspace()
        try text.write(toFile: dir + "/surveys/boese.yml", atomically: true, encoding: .utf8)
        let result = try Binary.run(["check", "surveys/boese.yml"], in: dir)
        #expect(result.status == 1)
        #expect(result.stdout.contains("surveys/boese.yml:") || result.stderr.contains("surveys/boese.yml:"), "\(result.stdout)\(result.stderr)")
        #expect((result.stdout + result.stderr).lowercased().contains(mentions), "\(result.stdout)\(result.stderr)")
    }

    @Test("a survey file of 20 MB is refused with a message, not read into memory")
    func hugeFile() throws {
        let dir = try Binary.workspace()
        try Data(repeating: 0x61, count: 20 << 20).write(to: URL(fileURLWithPath: dir + "/surveys/riesig.yml"))
        let result = try Binary.run(["check", "surveys/riesig.yml"], in: dir)
        #expect(result.status == 1 && (result.stdout + result.stderr).contains("surveys/riesig.yml"), "\(result.stdout)\(result.stderr)")
    }
}
