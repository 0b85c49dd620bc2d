import Foundation
import Glibc
import Testing

/// The console's downloads, print documents, comparison of waves and the survey folder watch,
/// against the real daemon, the real commands and a real SQLite file.
@Suite("Organizers' console: downloads, waves and the folder watch (real daemon, curl)", .serialized)
struct ConsoleDownloadTests {
    static let token = ConsoleTests.token
    static let environment = ConsoleTests.environment

    /// A response's timestamps (`generated_at`) made equal: a page and a command run a second apart.
    static func timeless(_ text: String) -> String {
        let pattern = try! NSRegularExpression(pattern: "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})")
        return pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "TIME")
    }

    /// The inside of a report's `<main>` without its `<h1>`: what the survey page shows of it.
    static func reportInside(_ html: String) -> String {
        guard let start = html.range(of: "<main>\n"), let end = html.range(of: "</main>", options: .backwards) else { return "NO REPORT" }
        let inner = String(html[start.upperBound..<end.lowerBound])
        guard let close = inner.range(of: "</h1>\n") else { return inner }
        return String(inner[close.upperBound...])
    }

    /// Two waves with responses in four municipalities (two of them withheld), as `results --compare` is tested.
    func twoWaves() throws -> String {
        let dir = try Binary.workspace()
        try PublicResultsTests.survey(id: "welle-2027", closes: "2020-01-31", options: "[a, b, c]", extra: "  - id: neu\n    type: yesno\n    text: Neu?\n")
            .write(toFile: dir + "/surveys/welle-2027.yml", atomically: true, encoding: .utf8)
        try PublicResultsTests.survey(id: "welle-2025", closes: "2020-01-31", options: "[a, b, d]").write(toFile: dir + "/surveys/welle-2025.yml", atomically: true, encoding: .utf8)
        let (serve, _) = try startServe(in: dir)
        kill(serve.processIdentifier, SIGTERM)
        serve.waitUntilExit()
        _ = try PublicResultsTests.insert("welle-2027", into: dir, codes: ["a", "b", "c"], seed: 11)
        _ = try PublicResultsTests.insert("welle-2025", into: dir, codes: ["a", "b", "d"], seed: 5)
        return dir
    }

    /// The daemon on `dir`, and a client signed in to its console.
    func signedIn(_ dir: String) throws -> (ConsoleDaemon, ConsoleClient) {
        let daemon = try ConsoleDaemon(in: dir, environment: Self.environment)
        let client = ConsoleClient(port: daemon.port)
        try client.signIn(Self.token)
        return (daemon, client)
    }

    @Test("without a session every console path, the downloads and every POST lead to the sign-in, and change nothing")
    func everyPathNeedsASession() throws {
        let dir = try Binary.workspace()
        try importParticipants(3, into: dir)
        _ = try Binary.run(["codes", "jugendcheck-2027", "--count", "2", "--set", "kommune=Herzberg", "--set", "altersgruppe=12-14"], in: dir)
        let daemon = try ConsoleDaemon(in: dir, environment: Self.environment)
        defer { _ = daemon.stop() }
        let client = ConsoleClient(port: daemon.port)
        let s = "/admin/surveys/jugendcheck-2027"
        let gets = ["/admin", s, s + "?by=kommune", s + "?compare=bildungskonferenz-2027", s + "/preview", s + "/mail/invitation", s + "/mail/reminder/html",
                    s + "/invite", s + "/remind", s + "/letters", s + "/letters?layout=cards", s + "/results.csv", s + "/results.json", s + "/results.html",
                    s + "/results.csv?compare=bildungskonferenz-2027", s + "/responses.csv", s + "/codebook.csv", s + "/questionnaire.html",
                    "/admin/surveys/familienfreundlichkeit-herzberg/poster.html", "/admin/surveys/nirgends"]
        let posts = ["/admin/logout", "/admin/reload", s + "/test-mail", s + "/invite", s + "/remind", s + "/letters", s + "/preview"]
        for path in gets {
            let answer = try client.get(path)
            #expect(answer.status == 303 && answer.header("Location") == "/admin/login" && answer.header("Content-Disposition") == nil, "GET \(path)")
            #expect(answer.header("Cache-Control") == "no-store", "GET \(path)")
        }
        for path in posts {
            let answer = try client.post(path, [("csrf", "x"), ("expected", "3"), ("scope", "all"), ("layout", "cards"), ("email", "a@b.example")])
            #expect(answer.status == 303 && answer.header("Location") == "/admin/login" && answer.header("Content-Disposition") == nil, "POST \(path)")
        }
        // A made-up session id of the right shape is no session either.
        let forged = ConsoleClient(port: daemon.port)
        try "127.0.0.1\tFALSE\t/admin\tFALSE\t0\tmitreden_console\tAAAAAAAAAAAAAAAAAAAAAAAA\n".write(toFile: forged.jar, atomically: true, encoding: .utf8)
        #expect(try forged.get(s + "/responses.csv").status == 303)
        _ = daemon.stop()
        #expect(try ConsoleTests().sqlite(dir, "SELECT count(*) FROM mail_queue") == "0")
        #expect(try ConsoleTests().sqlite(dir, "SELECT count(*) FROM participants WHERE printed_at IS NOT NULL") == "0")
    }

    @Test("each download is what its command writes, as an attachment never cached; the survey page shows the report of results, withheld groups and all")
    func downloadsAreTheCommands() throws {
        let dir = try twoWaves()
        let (daemon, client) = try signedIn(dir)
        defer { _ = daemon.stop() }
        let s = "/admin/surveys/welle-2027/"
        let cases: [(String, [String], String)] = [
            ("results.csv", ["results", "welle-2027", "--format", "csv"], "welle-2027-results.csv"),
            ("results.json?by=kommune", ["results", "welle-2027", "--format", "json", "--by", "kommune"], "welle-2027-results-by-kommune.json"),
            ("results.html?lang=en", ["results", "welle-2027", "--format", "html", "--lang", "en"], "welle-2027-results.html"),
            ("results.csv?compare=welle-2025&by=kommune", ["results", "welle-2027", "--compare", "welle-2025", "--by", "kommune", "--format", "csv"], "welle-2027-compared-with-welle-2025-by-kommune.csv"),
            ("results.json?compare=welle-2025", ["results", "welle-2027", "--compare", "welle-2025", "--format", "json"], "welle-2027-compared-with-welle-2025.json"),
            ("responses.csv?separator=%3B", ["export", "welle-2027", "--separator", ";"], "welle-2027-responses.csv"),
            ("questionnaire.html?lang=en", ["print", "welle-2027", "--lang", "en"], "welle-2027-questionnaire.html"),
        ]
        for (path, command, name) in cases {
            let answer = try client.get(s + path)
            let cli = try Binary.run(command, in: dir)
            #expect(answer.status == 200 && cli.status == 0, "\(path): \(answer.status) \(cli.stderr)")
            #expect(answer.header("Content-Disposition") == "attachment; filename=\"\(name)\"", "\(path)")
            #expect(answer.header("Cache-Control") == "no-store" && answer.header("X-Frame-Options") == "DENY", "\(path)")
            if path.contains(".json") {
                // The API writes JSON compact, the command pretty: the same document either way.
                let served = try JSONSerialization.jsonObject(with: Data(Self.timeless(answer.body).utf8)) as? NSDictionary
                let written = try JSONSerialization.jsonObject(with: Data(Self.timeless(cli.stdout).utf8)) as? NSDictionary
                #expect(served != nil && served == written, "\(path) differs from mitreden \(command.joined(separator: " "))")
            } else {
                #expect(Self.timeless(answer.body) == Self.timeless(cli.stdout), "\(path) differs from mitreden \(command.joined(separator: " "))")
            }
        }
        #expect(try client.get(s + "responses.csv").body.contains("FREITEXT-MARKER"), "the raw responses hold the free texts")
        let codebookFile = dir + "/codebook.csv"
        _ = try Binary.run(["export", "welle-2027", "--codebook", codebookFile, "--output", dir + "/antworten.csv"], in: dir)
        let codebook = try client.get(s + "codebook.csv")
        let written = String(decoding: FileManager.default.contents(atPath: codebookFile) ?? Data(), as: UTF8.self)   // with its BOM
        #expect(codebook.body == written, "\(codebook.body.prefix(300)) ≠ \(written.prefix(300))")
        #expect(codebook.header("Content-Disposition") == "attachment; filename=\"welle-2027-codebook.csv\"")
        let poster = try client.get("/admin/surveys/familienfreundlichkeit-herzberg/poster.html")
        let posterCLI = try Binary.run(["poster", "familienfreundlichkeit-herzberg", "--output", "-"], in: dir).stdout
        #expect(poster.status == 200 && poster.body == posterCLI)
        #expect(try client.get(s + "poster.html").status == 404, "an invite survey has no poster")
        #expect(try client.get(s + "results.csv?by=schule").status == 400)
        #expect(try client.get(s + "results.csv?compare=nirgends").status == 404)
        #expect(try client.get(s + "results.csv?compare=bildungskonferenz-2027&by=kommune").status == 400, "the earlier survey carries no kommune")

        // The page: the report of results --by kommune (Sonnewalde and Uebigau withheld), then compared with 2025.
        let page = try client.get("/admin/surveys/welle-2027?by=kommune")
        let report = try Binary.run(["results", "welle-2027", "--format", "html", "--by", "kommune"], in: dir).stdout
        #expect(report.contains("Sonnewalde"))
        #expect(Self.timeless(page.body).contains(Self.timeless(Self.reportInside(report))), "the survey page shows the report of results --by kommune")
        let compared = try client.get("/admin/surveys/welle-2027?compare=welle-2025&by=kommune")
        let comparison = try Binary.run(["results", "welle-2027", "--compare", "welle-2025", "--by", "kommune", "--format", "html"], in: dir).stdout
        #expect(compared.status == 200 && compared.body.contains("Change since welle-2025 by kommune"))
        #expect(compared.body.contains(Self.reportInside(comparison)), "the survey page shows the comparison of results --compare")
        #expect(compared.body.contains("<option value=\"welle-2025\" selected>"))
        #expect(compared.body.contains("/admin/surveys/welle-2027/results.csv?by=kommune&amp;compare=welle-2025"))
        #expect(page.body.contains("Sonnewalde") && page.body.contains("Uebigau") && !compared.body.contains("FREITEXT-MARKER"))
        #expect(try client.get("/admin/surveys/welle-2027?compare=nirgends").status == 404)
    }

    @Test("the survey page's report follows new responses at once (a kept report is never shown past a change)")
    func reportFollowsResponses() throws {
        let dir = try Binary.workspace()
        let (daemon, client) = try signedIn(dir)
        defer { _ = daemon.stop() }
        let path = "/admin/surveys/familienfreundlichkeit-herzberg"
        let cli = { try Binary.run(["results", "familienfreundlichkeit-herzberg", "--format", "html"], in: dir).stdout }
        let empty = try client.get(path).body
        #expect(Self.timeless(empty).contains(Self.timeless(Self.reportInside(try cli()))))
        #expect(Self.timeless(try client.get(path).body) == Self.timeless(empty), "asked again, the same report")

        let header = try Binary.run(["export", "familienfreundlichkeit-herzberg", "--header-only"], in: dir).stdout
        let columns = header.trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}\r\n")).components(separatedBy: ",")
        let rows = (0..<7).map { i in
            columns.map { ["wohnort": i < 6 ? "herzberg" : "umland", "kinder": "\(i)", "bereiche.kita": "gut", "elternportal": "yes"][$0] ?? "" }.joined(separator: ",")
        }
        try ([columns.joined(separator: ",")] + rows).joined(separator: "\n").appending("\n").write(toFile: dir + "/papier.csv", atomically: true, encoding: .utf8)
        let imported = try Binary.run(["responses", "import", "familienfreundlichkeit-herzberg", "papier.csv"], in: dir)
        #expect(imported.status == 0, "\(imported.stderr)")
        let report = try cli()
        #expect(report.contains(": 7"), "\(report.prefix(1200))")
        let after = try client.get(path).body
        #expect(after != empty && Self.timeless(after).contains(Self.timeless(Self.reportInside(report))), "the page shows the 7 new responses")
    }

    @Test("letters and code cards come after a confirmation, by a POST with the CSRF token, and count as printed; without the token nothing is marked")
    func letters() throws {
        let dir = try Binary.workspace()
        #expect(try Binary.run(["codes", "jugendcheck-2027", "--count", "3", "--set", "kommune=Herzberg", "--set", "altersgruppe=12-14"], in: dir).status == 0)
        let (daemon, client) = try signedIn(dir)
        defer { _ = daemon.stop() }
        let csrf = try client.csrf()
        let path = "/admin/surveys/jugendcheck-2027/letters"
        let printed = { try ConsoleTests().sqlite(dir, "SELECT count(*) FROM participants WHERE printed_at IS NOT NULL") }
        let confirm = try client.get(path + "?layout=cards")
        #expect(confirm.status == 200 && confirm.body.contains("<strong>3 code cards</strong> not printed before"), "\(confirm.body)")
        #expect(confirm.header("Content-Disposition") == nil)
        #expect(try printed() == "0", "the confirmation page prints nothing")
        let form = [("layout", "cards"), ("scope", "new"), ("expected", "3")]
        #expect(try client.post(path, form).status == 403)
        #expect(try client.post(path, form + [("csrf", "wrong")]).status == 403)
        #expect(try client.post(path, form + [("csrf", csrf)], origin: "https://evil.example").status == 403)
        let stale = try client.post(path, [("layout", "cards"), ("scope", "new"), ("expected", "2"), ("csrf", csrf)])
        #expect(stale.status == 200 && stale.body.contains("number changed") && stale.header("Content-Disposition") == nil)
        #expect(try printed() == "0")

        let cards = try client.post(path, form + [("csrf", csrf)])
        #expect(cards.status == 200 && cards.header("Content-Disposition") == "attachment; filename=\"jugendcheck-2027-cards.html\"")
        #expect(cards.header("Cache-Control") == "no-store")
        #expect(try printed() == "3")
        let cli = try Binary.run(["letters", "jugendcheck-2027", "--layout", "cards", "--all", "--output", "-"], in: dir)
        #expect(cards.body == cli.stdout, "the cards are those of mitreden letters --layout cards")
        let status = try Binary.run(["status", "jugendcheck-2027"], in: dir).stdout
        #expect(status.contains("letters printed") && status.components(separatedBy: "\n").contains { $0.contains("letters printed") && $0.hasSuffix(" 3") }, "\(status)")

        let again = try client.get(path)
        #expect(again.body.contains("All 3 letters were printed before") && again.body.contains("Download all 3 letters again"))
        let letters = try client.post(path, [("layout", "letter"), ("scope", "all"), ("expected", "3"), ("csrf", csrf)])
        #expect(letters.status == 200 && letters.header("Content-Disposition") == "attachment; filename=\"jugendcheck-2027-letters.html\"")
        #expect(letters.body.components(separatedBy: "class=\"sheet letter\"").count == 4, "one letter per person")
        #expect(try client.get("/admin/surveys/familienfreundlichkeit-herzberg/letters").status == 404)
    }

    @Test("a survey file changed while the daemon runs: its errors show on /admin within seconds, the running version stays, and go when it is fixed")
    func folderWatch() throws {
        let dir = try Binary.workspace()
        let (daemon, client) = try signedIn(dir)
        defer { _ = daemon.stop() }
        func waitFor(_ what: String, _ holds: (String) -> Bool) throws -> String {
            var page = ""
            for _ in 0..<50 {
                page = try client.get("/admin").body
                if holds(page) { return page }
                usleep(200_000)
            }
            Issue.record("\(what) did not show within 10 seconds: \(page)")
            return page
        }
        let file = dir + "/surveys/jugendcheck-2027.yml"
        let good = try String(contentsOfFile: file, encoding: .utf8)
        try good.replacingOccurrences(of: "access: invite", with: "access: inviet").write(toFile: file, atomically: true, encoding: .utf8)
        let broken = try waitFor("the error") { $0.contains("surveys/jugendcheck-2027.yml:18:") }
        #expect(broken.contains("1 survey file has errors") && broken.contains("<small>jugendcheck-2027</small>"), "the running version stays")

        try good.replacingOccurrences(of: "title:\n  de: ", with: "title:\n  de: Neu – ").write(toFile: file, atomically: true, encoding: .utf8)
        let fixed = try waitFor("the fix") { !$0.contains("errors</h2>") }
        #expect(fixed.contains(">Neu – "), "the changed title is loaded")
        try "id: dazu\ntitle: Dazu\nlanguages: [de]\naccess: open\nquestions:\n  - id: a\n    type: yesno\n    text: A?\n"
            .write(toFile: dir + "/surveys/dazu.yml", atomically: true, encoding: .utf8)
        _ = try waitFor("a new survey file") { $0.contains("<small>dazu</small>") }
        #expect(daemon.stop().contains("event=surveys_changed"))
    }
}
