import Foundation
import Glibc
import Testing

/// A browser's side of the console: curl with a cookie jar, every response's head and body.
struct ConsoleClient {
    let port: Int
    let jar: String

    init(port: Int, jar: String? = nil) {
        self.port = port
        self.jar = jar ?? FileManager.default.temporaryDirectory.appendingPathComponent("console-jar-\(UUID().uuidString)").path
    }

    struct Answer {
        let status: Int
        let headers: [(String, String)]
        let body: String
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    func request(_ path: String, form: [(String, String)]? = nil, origin: String? = nil) throws -> Answer {
        var arguments = ["curl", "-s", "-i", "-c", jar, "-b", jar]
        if let origin { arguments += ["-H", "Origin: \(origin)"] }
        if let form {
            arguments += form.isEmpty ? ["-X", "POST", "-d", ""] : form.flatMap { ["--data-urlencode", "\($0.0)=\($0.1)"] }
        }
        let output = try run(arguments + ["http://127.0.0.1:\(port)\(path)"]).output
        guard let split = output.range(of: "\r\n\r\n") else { return Answer(status: 0, headers: [], body: output) }
        let lines = output[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Answer(status: status, headers: headers, body: String(output[split.upperBound...]))
    }

    func get(_ path: String) throws -> Answer { try request(path) }
    func post(_ path: String, _ form: [(String, String)], origin: String? = nil) throws -> Answer { try request(path, form: form, origin: origin) }

    /// Signs in with `token`; the answer to the POST.
    @discardableResult
    func signIn(_ token: String) throws -> Answer { try post("/admin/login", [("token", token)]) }

    /// The CSRF token in the page at `path`.
    func csrf(_ path: String = "/admin") throws -> String {
        let body = try get(path).body
        guard let range = body.range(of: "name=\"csrf\" value=\"") else { return "" }
        return String(body[range.upperBound...].prefix { $0 != "\"" })
    }
}

/// A running `mitreden serve` whose log is kept.
final class ConsoleDaemon {
    let port: Int
    private let pipe: Pipe
    private var early: String
    private var process: Process?

    init(in dir: String, environment: [String: String]) throws {
        let (started, pipe) = try Binary.launch(["serve", "--listen", "127.0.0.1:0"], in: dir, environment: environment, log: true)
        self.pipe = pipe!
        var log = ""
        let deadline = Date().addingTimeInterval(15)
        while !log.contains("event=started"), Date() < deadline {
            let data = self.pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            log += String(decoding: data, as: UTF8.self)
        }
        guard let range = log.range(of: "listen=127.0.0.1:"), let port = Int(log[range.upperBound...].prefix(while: \.isNumber)) else {
            kill(started.processIdentifier, SIGKILL)
            throw SMTPServerError(message: "serve did not start: \(log)")
        }
        self.port = port
        early = log
        process = started
    }

    /// Stops the daemon (SIGTERM) and returns everything it logged.
    func stop() -> String {
        guard let process else { return early }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        self.process = nil
        early += String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return early
    }

    deinit { _ = stop() }
}

@Suite("Organizers' console (real daemon, curl with a cookie jar)", .serialized)
struct ConsoleTests {
    static let token = "console-admin-token-Zq7wP3xK9"
    static let environment = ["MITREDEN_ADMIN_TOKEN": token]
    static let survey = "jugendcheck-2027"

    func sqlite(_ dir: String, _ sql: String) throws -> String {
        try run(["sqlite3", dir + "/data/mitreden.sqlite", sql]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("without MITREDEN_ADMIN_TOKEN the console is off: 404")
    func off() throws {
        let dir = try Binary.workspace()
        let daemon = try ConsoleDaemon(in: dir, environment: [:])
        defer { _ = daemon.stop() }
        let client = ConsoleClient(port: daemon.port)
        #expect(try client.get("/admin").status == 404)
        #expect(try client.get("/admin/login").status == 404)
    }

    @Test("sign-in sets the cookie with exactly its attributes; every page needs it; pages are not cached or framed")
    func signIn() throws {
        let dir = try Binary.workspace()
        let daemon = try ConsoleDaemon(in: dir, environment: Self.environment)
        defer { _ = daemon.stop() }
        let client = ConsoleClient(port: daemon.port)
        for path in ["/admin", "/admin/surveys/\(Self.survey)", "/admin/surveys/\(Self.survey)/preview", "/admin/surveys/\(Self.survey)/mail/invitation",
                     "/admin/surveys/\(Self.survey)/invite", "/admin/surveys/\(Self.survey)/results.csv", "/admin/surveys/\(Self.survey)/responses.csv"] {
            let answer = try client.get(path)
            #expect(answer.status == 303 && answer.header("Location") == "/admin/login", "\(path)")
        }
        #expect(try client.post("/admin/surveys/\(Self.survey)/invite", [("expected", "0")]).status == 303)
        let form = try client.get("/admin/login")
        #expect(form.status == 200 && form.body.contains("type=\"password\""))
        #expect(form.header("Cache-Control") == "no-store" && form.header("X-Frame-Options") == "DENY")
        #expect(form.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)

        let signedIn = try client.signIn(Self.token)
        #expect(signedIn.status == 303 && signedIn.header("Location") == "/admin")
        let cookie = try #require(signedIn.header("Set-Cookie"))
        let parts = cookie.components(separatedBy: "; ")
        #expect(parts.count == 4 && parts[0].hasPrefix("mitreden_console=") && parts[0].count == "mitreden_console=".count + 24)
        #expect(Array(parts.dropFirst()) == ["Path=/admin", "HttpOnly", "SameSite=Strict"])
        let home = try client.get("/admin")
        #expect(home.status == 200 && home.body.contains("jugendcheck-2027") && home.body.contains("familienfreundlichkeit-herzberg"))
        #expect(home.header("Cache-Control") == "no-store" && home.header("X-Frame-Options") == "DENY")
        #expect(home.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
        // Only a hash of the session id is kept.
        let id = String(parts[0].dropFirst("mitreden_console=".count))
        let stored = try sqlite(dir, "SELECT id_hash FROM admin_sessions")
        #expect(stored.count == 64 && !stored.contains(id))
    }

    @Test("with an https base URL the cookie is Secure, and POSTs must come from that origin")
    func secureCookie() throws {
        let dir = try Binary.workspace()
        let daemon = try ConsoleDaemon(in: dir, environment: Self.environment.merging(["MITREDEN_BASE_URL": "https://umfrage.example.de"]) { $1 })
        defer { _ = daemon.stop() }
        let client = ConsoleClient(port: daemon.port)
        #expect(try client.post("/admin/login", [("token", Self.token)], origin: "http://127.0.0.1:\(daemon.port)").status == 403)
        let signedIn = try client.post("/admin/login", [("token", Self.token)], origin: "https://umfrage.example.de")
        #expect(signedIn.status == 303)
        #expect(signedIn.header("Set-Cookie")?.hasSuffix("; Path=/admin; HttpOnly; SameSite=Strict; Secure") == true)
    }

    @Test("more than 5 wrong tokens from one client in a minute: 429, also for the right token then")
    func rateLimit() throws {
        let dir = try Binary.workspace()
        let daemon = try ConsoleDaemon(in: dir, environment: Self.environment)
        defer { _ = daemon.stop() }
        let client = ConsoleClient(port: daemon.port)
        let statuses = try (1...6).map { try client.signIn("wrong-\($0)").status }
        #expect(statuses == [403, 403, 403, 403, 403, 429])
        let limited = try client.signIn(Self.token)
        #expect(limited.status == 429 && limited.header("Retry-After") != nil && limited.header("Set-Cookie") == nil)
    }

    @Test("a POST without or with a wrong CSRF token, or from another origin, is refused and changes nothing")
    func csrfAndOrigin() throws {
        let dir = try Binary.workspace()
        try importParticipants(3, into: dir)
        let daemon = try ConsoleDaemon(in: dir, environment: Self.environment)
        defer { _ = daemon.stop() }
        let client = ConsoleClient(port: daemon.port)
        try client.signIn(Self.token)
        let csrf = try client.csrf()
        #expect(csrf.count > 20)
        let path = "/admin/surveys/\(Self.survey)/invite"
        #expect(try client.post(path, [("expected", "3")]).status == 403)
        // One character changed (a token that began with "x" made this the same token: 1 run in 64).
        #expect(try client.post(path, [("expected", "3"), ("csrf", (csrf.first == "x" ? "y" : "x") + csrf.dropFirst())]).status == 403)
        #expect(try client.post(path, [("expected", "3"), ("csrf", csrf)], origin: "https://evil.example").status == 403)
        #expect(try client.post(path, [("expected", "3"), ("csrf", csrf)], origin: "null").status == 403)
        #expect(try client.post("/admin/logout", [("csrf", "wrong")]).status == 403)
        #expect(try sqlite(dir, "SELECT count(*) FROM mail_queue") == "0")
        // Another session's token does not fit this one.
        let other = ConsoleClient(port: daemon.port)
        try other.signIn(Self.token)
        #expect(try client.post(path, [("expected", "3"), ("csrf", try other.csrf())]).status == 403)
        #expect(try sqlite(dir, "SELECT count(*) FROM mail_queue") == "0")
    }

    @Test("sign-out ends the session: the old cookie leads to the sign-in again; a session survives a restart")
    func logoutAndRestart() throws {
        let dir = try Binary.workspace()
        var daemon = try ConsoleDaemon(in: dir, environment: Self.environment)
        let client = ConsoleClient(port: daemon.port)
        try client.signIn(Self.token)
        let saved = client.jar + ".saved"
        try FileManager.default.copyItem(atPath: client.jar, toPath: saved)
        _ = daemon.stop()

        daemon = try ConsoleDaemon(in: dir, environment: Self.environment)
        defer { _ = daemon.stop() }
        let again = ConsoleClient(port: daemon.port, jar: client.jar)
        #expect(try again.get("/admin").status == 200)
        let out = try again.post("/admin/logout", [("csrf", try again.csrf())])
        #expect(out.status == 303 && out.header("Location") == "/admin/login")
        #expect(out.header("Set-Cookie")?.contains("Max-Age=0") == true)
        let old = ConsoleClient(port: daemon.port, jar: saved)
        let refused = try old.get("/admin")
        #expect(refused.status == 303 && refused.header("Location") == "/admin/login")
        #expect(try sqlite(dir, "SELECT count(*) FROM admin_sessions") == "0")
    }

    @Test("/admin shows each survey with the numbers of mitreden status, and broken files with their errors; the token appears nowhere")
    func dashboard() throws {
        let dir = try Binary.workspace()
        try importParticipants(12, into: dir)
        _ = try Binary.run(["invite", Self.survey], in: dir)
        _ = try Binary.run(["send"], in: dir)
        try "id: kaputt\ntitle: Kaputt\nlanguages: [de]\naccess: open\nquestions:\n  - id: a\n    type: singel\n    text: A?\n    options: [x]\n"
            .write(toFile: dir + "/surveys/kaputt.yml", atomically: true, encoding: .utf8)
        let daemon = try ConsoleDaemon(in: dir, environment: Self.environment)
        let client = ConsoleClient(port: daemon.port)
        var pages: [String] = [try client.get("/admin/login").body, try client.signIn("a-wrong-token").body, try client.signIn(Self.token).body]
        let home = try client.get("/admin").body
        pages.append(home)
        #expect(home.contains("surveys/kaputt.yml:7:11: error: unknown question type &#39;singel&#39;"), "\(home)")

        let status = try Binary.run(["status", Self.survey], in: dir).stdout
        func cli(_ label: String) -> String {
            let line = status.components(separatedBy: "\n").first { $0.hasPrefix("  " + label + " ") } ?? ""
            return line.dropFirst(2 + 16).trimmingCharacters(in: .whitespaces)
        }
        let row = try #require(home.components(separatedBy: "<tr>").first { $0.contains("<small>\(Self.survey)</small>") })
        let cells = row.components(separatedBy: "<td class=\"n\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
        #expect(cells.count == 8)
        #expect(Array(cells.prefix(7)) == [cli("participants"), cli("invited"), cli("letters printed"), cli("delivered"), cli("failed"),
                                           cli("answered"), cli("response rate")], "\(status)")
        #expect(cells.first == "12")

        // By attribute: the same groups as status --by, the small ones withheld.
        let survey = try client.get("/admin/surveys/\(Self.survey)").body
        pages.append(survey)
        let byCLI = try Binary.run(["status", Self.survey, "--by", "kommune"], in: dir).stdout
        #expect(byCLI.contains("<5"))
        #expect(survey.contains("<caption id=\"status-kommune\">By kommune</caption>"))
        #expect(survey.contains("fewer than 5, withheld"))
        #expect(survey.contains("Finsterwalde") && survey.contains("Herzberg (Elster)"))
        pages.append(try client.get("/admin/surveys/\(Self.survey)?by=kommune").body)
        pages.append(try client.get("/admin/surveys/\(Self.survey)/mail/invitation").body)
        pages.append(try client.get("/admin/surveys/\(Self.survey)/preview").body)
        let csv = try client.get("/admin/surveys/\(Self.survey)/results.csv")
        #expect(csv.status == 200 && csv.header("Content-Type")?.hasPrefix("text/csv") == true)
        #expect(try client.get("/admin/surveys/\(Self.survey)/results.json").body.contains("\"survey\":\"jugendcheck-2027\""))
        #expect(try client.get("/admin/surveys/\(Self.survey)/responses.csv").status == 200)
        let log = daemon.stop()
        #expect(log.contains("event=console_signed_in"))
        for page in pages + [log] { #expect(!page.contains(Self.token)) }
    }

    @Test("the preview shows the form also after it closes, checks answers and stores nothing")
    func preview() throws {
        let dir = try Binary.workspace()
        let file = dir + "/surveys/bildungskonferenz-2027.yml"
        let text = Binary.withDates(try String(contentsOfFile: file, encoding: .utf8), opens: "2026-01-01", closes: "2026-01-20")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let daemon = try ConsoleDaemon(in: dir, environment: Self.environment)
        defer { _ = daemon.stop() }
        let client = ConsoleClient(port: daemon.port)
        try client.signIn(Self.token)
        let path = "/admin/surveys/bildungskonferenz-2027/preview"
        let page = try client.get(path)
        #expect(page.status == 200 && page.body.contains("<strong>Preview</strong>") && page.body.contains("name=\"gesamt\""))
        #expect(page.body.contains("closed"))
        let before = try sqlite(dir, "SELECT count(*) FROM responses")
        let invalid = try client.post(path + "?lang=de", [])
        #expect(invalid.status == 422 && invalid.body.contains("id=\"error-gesamt\""))
        let valid = try client.post(path + "?lang=de", [("gesamt", "5")])
        #expect(valid.status == 200 && valid.body.contains("Vielen Dank"))
        #expect(try sqlite(dir, "SELECT count(*) FROM responses") == before)
        #expect(try sqlite(dir, "SELECT response_count FROM surveys WHERE id = 'bildungskonferenz-2027'") == "0")
        #expect(try client.post(path, [("gesamt", "5")], origin: "https://evil.example").status == 403)
    }

    @Test("a test mail goes to the outbox with a preview link and is counted nowhere; invitations are queued after the confirmation")
    func mail() throws {
        let dir = try Binary.workspace()
        try importParticipants(3, into: dir)
        let dryRun = try Binary.run(["invite", Self.survey, "--dry-run"], in: dir).stdout
        #expect(dryRun.hasPrefix("would queue 3 invitations"))
        let daemon = try ConsoleDaemon(in: dir, environment: Self.environment)
        defer { _ = daemon.stop() }
        let client = ConsoleClient(port: daemon.port)
        try client.signIn(Self.token)
        let csrf = try client.csrf()

        let preview = try client.get("/admin/surveys/\(Self.survey)/mail/invitation?lang=de")
        #expect(preview.status == 200 && preview.body.contains("Subject:") && preview.body.contains("/t/preview-link-not-a-token"))
        let html = try client.get("/admin/surveys/\(Self.survey)/mail/invitation/html?lang=de")
        #expect(html.status == 200 && html.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)

        let sent = try client.post("/admin/surveys/\(Self.survey)/test-mail", [("csrf", csrf), ("email", "organisatorin@lkee.example")])
        #expect(sent.status == 200 && sent.body.contains("Test mail sent"), "\(sent.body)")
        let outbox = dir + "/data/outbox"
        let files = try FileManager.default.contentsOfDirectory(atPath: outbox).filter { $0.hasPrefix("test-") && $0.hasSuffix(".eml") }
        #expect(files.count == 1)
        let eml = try String(contentsOfFile: outbox + "/" + (files.first ?? ""), encoding: .utf8).replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=3D", with: "=")
        #expect(eml.contains("To: organisatorin@lkee.example"))
        #expect(eml.contains("http://127.0.0.1:8080/admin/surveys/jugendcheck-2027/preview?lang=de&from=/t/mail"))
        #expect(try sqlite(dir, "SELECT count(*) FROM mail_queue") == "0")

        let confirm = try client.get("/admin/surveys/\(Self.survey)/invite")
        #expect(confirm.status == 200 && confirm.body.contains("<strong>3 invitations</strong> will be queued"))
        #expect(try sqlite(dir, "SELECT count(*) FROM mail_queue") == "0")
        let stale = try client.post("/admin/surveys/\(Self.survey)/invite", [("csrf", csrf), ("expected", "2")])
        #expect(stale.status == 200 && stale.body.contains("number changed"))
        #expect(try sqlite(dir, "SELECT count(*) FROM mail_queue") == "0")
        let queued = try client.post("/admin/surveys/\(Self.survey)/invite", [("csrf", csrf), ("expected", "3")])
        #expect(queued.status == 200 && queued.body.contains("Queued 3 invitations"))
        #expect(try sqlite(dir, "SELECT count(*) FROM mail_queue WHERE kind = 'invitation'") == "3")
        #expect(try client.get("/admin/surveys/\(Self.survey)/invite").body.contains("Nobody to send invitations to"))
    }
}
