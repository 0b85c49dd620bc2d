import Foundation
import Glibc
import Testing

/// curl against the daemon: status, headers (lower-cased names) and body.
func curl(_ port: Int, _ path: String, token: String? = nil, authorization: String? = nil) throws -> (status: Int, headers: [String: String], body: String) {
    var arguments = ["curl", "-s", "-i", "--max-time", "20"]
    if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
    if let authorization { arguments += ["-H", "Authorization: \(authorization)"] }
    let output = try run(arguments + ["http://127.0.0.1:\(port)\(path)"]).output
    guard let split = output.range(of: "\r\n\r\n") else { return (0, [:], output) }
    let head = output[..<split.lowerBound].split(separator: "\r\n")
    var headers: [String: String] = [:]
    for line in head.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
    return (status, headers, String(output[split.upperBound...]))
}

@Suite("Organizers' API (real daemon, curl)", .serialized)
struct AdminAPITests {
    let token = "test-admin-token-0123456789abcdef"

    @Test("bearer token required and compared; 401 with WWW-Authenticate and a problem document; off without a token")
    func authorization() throws {
        let dir = try Binary.workspace()
        let (serve, port) = try startServe(in: dir, environment: ["MITREDEN_ADMIN_TOKEN": token])
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        let missing = try curl(port, "/api/surveys")
        #expect(missing.status == 401 && missing.headers["www-authenticate"] == "Bearer realm=\"mitreden\"")
        #expect(missing.headers["content-type"] == "application/problem+json" && missing.body.contains("\"status\":401"))
        let wrong = try curl(port, "/api/surveys", token: token + "x")
        #expect(wrong.status == 401 && wrong.headers["www-authenticate"]?.contains("error=\"invalid_token\"") == true)
        #expect(try curl(port, "/api/surveys", token: String(token.dropLast())).status == 401, "a prefix is not the token")
        #expect(try curl(port, "/api/surveys", authorization: "Basic \(Data(token.utf8).base64EncodedString())").status == 401)
        #expect(try curl(port, "/api/surveys/jugendcheck-2027/results", token: "").status == 401)
        #expect(try curl(port, "/api/surveys", authorization: "bearer \(token)").status == 200, "the scheme is case-insensitive")

        let off = try Binary.workspace()
        let (plain, plainPort) = try startServe(in: off)
        defer { kill(plain.processIdentifier, SIGKILL); plain.waitUntilExit() }
        let disabled = try curl(plainPort, "/api/surveys", token: token)
        #expect(disabled.status == 404 && disabled.body.contains("MITREDEN_ADMIN_TOKEN"))
    }

    @Test("surveys, status and results as JSON, CSV and HTML, and the responses export, the same as the command line")
    func endpoints() throws {
        let dir = try Binary.workspace()
        try importParticipants(12, into: dir)
        #expect(try Binary.run(["invite", "jugendcheck-2027"], in: dir).status == 0)
        #expect(try Binary.run(["send"], in: dir).status == 0)
        let tokens = try run(["sqlite3", dir + "/data/mitreden.sqlite", "SELECT token FROM participants ORDER BY id"]).output.split(separator: "\n")
        let (serve, port) = try startServe(in: dir, environment: ["MITREDEN_ADMIN_TOKEN": token])
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        for token in tokens.prefix(10) {
            #expect(try httpClient(port, "POST", "/t/\(token)", form: "alter=15-17&engagiert=no&themen=schule&themen=other&themen.other=%3Cb%3EBus%3C%2Fb%3E").status == 303)
        }

        let list = try curl(port, "/api/surveys", token: token)
        #expect(list.status == 200 && list.headers["content-type"] == "application/json")
        let ids = ((try JSONSerialization.jsonObject(with: Data(list.body.utf8)) as? [String: Any])?["surveys"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(ids?.contains("jugendcheck-2027") == true)

        let status = try curl(port, "/api/surveys/jugendcheck-2027/status?by=kommune", token: token)
        let statusJSON = try JSONSerialization.jsonObject(with: Data(status.body.utf8)) as? [String: Any] ?? [:]
        #expect(statusJSON["invited"] as? Int == 12 && statusJSON["delivered"] as? Int == 12 && statusJSON["answered"] as? Int == 10)
        let groups = statusJSON["groups"] as? [[String: Any]] ?? []
        #expect(groups.count == 2 && groups.allSatisfy { $0["suppressed"] as? Bool == false && $0["answered"] as? Int == 5 })

        let results = try curl(port, "/api/surveys/jugendcheck-2027/results?by=kommune", token: token)
        let cli = try Binary.run(["results", "jugendcheck-2027", "--by", "kommune", "--format", "json"], in: dir).stdout
        func withoutTime(_ text: String) throws -> NSDictionary {
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
            return object.filter { $0.key != "generated_at" } as NSDictionary
        }
        #expect(results.status == 200)
        #expect(try withoutTime(results.body) == withoutTime(cli), "the API's document is the command's")

        let csv = try curl(port, "/api/surveys/jugendcheck-2027/results.csv?separator=;", token: token)
        #expect(csv.status == 200 && csv.headers["content-type"] == "text/csv; charset=utf-8")
        #expect(csv.headers["content-disposition"] == "attachment; filename=\"jugendcheck-2027-results.csv\"")
        #expect(csv.body.hasPrefix("\u{FEFF}group;question;"))
        let html = try curl(port, "/api/surveys/jugendcheck-2027/results.html?lang=en", token: token)
        #expect(html.status == 200 && html.body.contains("<html lang=\"en\">") && html.body.contains("&lt;b&gt;Bus&lt;/b&gt;"))
        let export = try curl(port, "/api/surveys/jugendcheck-2027/responses.csv", token: token)
        #expect(export.status == 200 && export.body.split(separator: "\r\n").count == 11)
        #expect(!export.body.contains("schule.example"))

        let unknown = try curl(port, "/api/surveys/nichts/results", token: token)
        #expect(unknown.status == 404 && unknown.headers["content-type"] == "application/problem+json")
        let badBy = try curl(port, "/api/surveys/jugendcheck-2027/results?by=email", token: token)
        #expect(badBy.status == 400 && badBy.body.contains("'email' is not an attribute"))
        #expect(try curl(port, "/api/surveys/jugendcheck-2027/results?lang=fr", token: token).status == 400)
    }
}
