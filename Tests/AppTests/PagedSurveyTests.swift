import Foundation
import Glibc
import Testing

/// An open, anonymous survey on three pages: the second only for those with children.
let openPagedSurvey = """
    id: seiten-offen
    title: Familienfreundlichkeit in Seiten
    languages: [de, en]
    access: open
    anonymous: true
    questions:
      - page:
          de: Über Sie
          en: About you
      - id: kinder
        type: yesno
        text: Leben Kinder in Ihrem Haushalt?
        required: true
      - id: wohnort
        type: single
        text: Wo wohnen Sie?
        options: [Stadt, Land]
      - page: Kinderbetreuung
        intro: Nur für Familien.
      - id: kita
        type: scale
        text: Wie zufrieden sind Sie mit der Kinderbetreuung?
        show_if: kinder == yes
      - page: Zum Schluss
      - id: wunsch
        type: text
        text: Was wünschen Sie sich?

    """

/// An anonymous survey with personal links on two pages, for what a draft leaves behind.
let anonymousPagedSurvey = """
    id: seiten-anonym
    title: Jugendbefragung in Seiten
    languages: [de]
    access: invite
    anonymous: true
    questions:
      - page: Deine Idee
      - id: idee
        type: text
        text: Was ist deine Idee für den Ort?
        required: true
      - page: Über dich
      - id: alter
        type: single
        text: Wie alt bist du?
        options: [12-14, 15-17]

    """

@Suite("Paged surveys over HTTP: pages, drafts, resume, signed carried answers, hostile input", .serialized)
struct PagedSurveyTests {
    func token(_ dir: String, _ email: String) throws -> String {
        try run(["sqlite3", dir + "/data/mitreden.sqlite", "SELECT token FROM participants WHERE email = '\(email)'"])
            .output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("the paged flow with a personal link and with an open survey, checked by a Python client")
    func flow() throws {
        let dir = try Binary.workspace()
        try openPagedSurvey.write(toFile: dir + "/surveys/seiten-offen.yml", atomically: true, encoding: .utf8)
        try "email;name;branche\na@firma.example;A;Handwerk\nb@firma.example;B;Handel\n".write(toFile: dir + "/firmen.csv", atomically: true, encoding: .utf8)
        let imported = try Binary.run(["participants", "import", "fachkraeftebedarf-2027", "firmen.csv"], in: dir)
        #expect(imported.status == 0, "\(imported.stderr)")
        let (serve, port) = try startServe(in: dir)
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        let output = try run(["python3", Binary.repository.appendingPathComponent("Tests/Support/paged_flow.py").path, String(port),
                              dir + "/data/mitreden.sqlite", try token(dir, "a@firma.example"), try token(dir, "b@firma.example"), "seiten-offen"]).output
        let checks = output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(checks.count == 38, "\(output)")
        for c in checks {
            #expect(c["ok"] as? Bool == true, "\(c["name"]!): expected \(c["expected"]!), got \(c["got"]!)")
        }
    }

    @Test("an anonymous survey's draft leaves nothing once sent: no row, no bytes in the database files")
    func draftLeavesNothing() throws {
        let dir = try Binary.workspace()
        try anonymousPagedSurvey.write(toFile: dir + "/surveys/seiten-anonym.yml", atomically: true, encoding: .utf8)
        try "email\nkim@schule.example\n".write(toFile: dir + "/liste.csv", atomically: true, encoding: .utf8)
        #expect(try Binary.run(["participants", "import", "seiten-anonym", "liste.csv"], in: dir).status == 0)
        let link = "/t/\(try token(dir, "kim@schule.example"))"
        let (serve, port) = try startServe(in: dir)
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }

        let form = try httpClient(port, "GET", link)
        #expect(form.body.contains("Diese Umfrage ist anonym. Bis zum Absenden bleiben unfertige Antworten mit dem persönlichen Link gespeichert"))
        // The first idea goes into the draft only: it is replaced before the answer is sent.
        #expect(try httpClient(port, "POST", link, form: "_page=0&_nav=next&idee=ENTWURF-4711-ZUERST").status == 200)
        #expect(try httpClient(port, "POST", link, form: "_page=1&_nav=back&alter=15-17").status == 200)
        let database = dir + "/data/mitreden.sqlite"
        let kept = try run(["sqlite3", database, "SELECT fields FROM drafts"]).output
        #expect(kept.contains("idee=ENTWURF-4711-ZUERST") && kept.contains("alter=15-17"), "\(kept)")
        #expect(try httpClient(port, "POST", link, form: "_page=0&_nav=next&idee=ENDGUELTIG-0815").status == 200)
        let sent = try httpClient(port, "POST", link, form: "_page=1&_nav=next&alter=15-17")
        #expect(sent.status == 303)

        #expect(try run(["sqlite3", database, "SELECT count(*) FROM drafts"]).output.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let answers = try run(["sqlite3", database, "SELECT answers, participant_id IS NULL FROM responses"]).output
        #expect(answers.contains("ENDGUELTIG-0815") && answers.hasSuffix("|1\n"), "\(answers)")
        // The daemon empties the WAL within 2 s of an anonymous answer.
        let deadline = Date().addingTimeInterval(10)
        var wal = -1
        repeat {
            usleep(200_000)
            wal = (try? FileManager.default.attributesOfItem(atPath: database + "-wal")[.size] as? Int) ?? 0
        } while wal != 0 && Date() < deadline
        #expect(wal == 0, "the WAL was not emptied")
        for suffix in ["", "-wal", "-shm"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: database + suffix))) ?? Data()
            #expect(bytes.range(of: Data("ENTWURF-4711".utf8)) == nil, "the first draft's text is readable in mitreden.sqlite\(suffix)")
            #expect(bytes.range(of: Data("idee=".utf8)) == nil, "a draft's fields are readable in mitreden.sqlite\(suffix)")
        }
    }

    @Test("the printed questionnaire and the HTML report follow the pages: page titles head their questions")
    func printAndReportFollowPages() throws {
        let dir = try Binary.workspace()
        let printed = try Binary.run(["print", "fachkraeftebedarf-2027"], in: dir)
        #expect(printed.status == 0, "\(printed.stderr)")
        let titles = ["Ihr Betrieb", "Offene Stellen", "Ausbildung und Berufsorientierung", "Weiterbildung und Unterstützung"]
        let positions = titles.compactMap { printed.stdout.range(of: "<h2 class=\"page\">\($0)</h2>")?.lowerBound }
        #expect(positions.count == 4 && positions == positions.sorted(), "the four page titles, in order")
        #expect(printed.stdout.contains("<legend><h3><span class=\"number\">1.</span>") && !printed.stdout.contains("<legend><h2>"),
                "questions one heading level below their page")
        #expect(printed.stdout.contains("Halten Sie am besten die Zahl Ihrer Auszubildenden bereit."), "a page's intro is printed")
        let report = try Binary.run(["results", "fachkraeftebedarf-2027", "--format", "html"], in: dir)
        #expect(report.status == 0, "\(report.stderr)")
        let reported = titles.compactMap { report.stdout.range(of: "<h2 class=\"page\">\($0)</h2>")?.lowerBound }
        #expect(reported.count == 4 && reported == reported.sorted() && report.stdout.contains("<h3 id=\"q1\">"))
        let json = try Binary.run(["results", "fachkraeftebedarf-2027", "--format", "json"], in: dir)
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any] ?? [:]
        let pages = document["pages"] as? [[String: Any]] ?? []
        #expect(pages.map { $0["title"] as? String ?? "" } == titles)
        #expect(pages.first?["questions"] as? [String] == ["beschaeftigte", "offene_stellen", "bildet_aus", "bedarf_entwicklung"])
    }

    @Test("purge erases the drafts of a survey: no row, no bytes")
    func purgeErasesDrafts() throws {
        let dir = try Binary.workspace()
        try "email;name;branche\na@firma.example;A;Handwerk\n".write(toFile: dir + "/firmen.csv", atomically: true, encoding: .utf8)
        #expect(try Binary.run(["participants", "import", "fachkraeftebedarf-2027", "firmen.csv"], in: dir).status == 0)
        let database = dir + "/data/mitreden.sqlite"
        do {
            let (serve, port) = try startServe(in: dir)
            defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
            let later = try httpClient(port, "POST", "/t/\(try token(dir, "a@firma.example"))",
                                       form: "_page=0&_nav=later&beschaeftigte=1-9&offene_stellen=4711&bildet_aus=no")
            #expect(later.status == 200 && later.body.contains("Gespeichert"))
        }
        #expect(try run(["sqlite3", database, "SELECT fields FROM drafts"]).output.contains("offene_stellen=4711"))
        let purged = try Binary.run(["purge", "fachkraeftebedarf-2027", "--yes"], in: dir)
        #expect(purged.status == 0, "\(purged.stderr)")
        #expect(try run(["sqlite3", database, "SELECT count(*) FROM drafts"]).output.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: database + suffix))) ?? Data()
            #expect(bytes.range(of: Data("offene_stellen=".utf8)) == nil, "a draft is readable in mitreden.sqlite\(suffix) after purge")
        }
    }

    @Test("the console previews a paged survey page by page, stores nothing, and its carried answers are refused by the real form")
    func preview() throws {
        let dir = try Binary.workspace()
        try openPagedSurvey.write(toFile: dir + "/surveys/seiten-offen.yml", atomically: true, encoding: .utf8)
        let daemon = try ConsoleDaemon(in: dir, environment: ConsoleTests.environment)
        defer { _ = daemon.stop() }
        let client = ConsoleClient(port: daemon.port)
        try client.signIn(ConsoleTests.token)
        func carry(_ body: String) -> String {
            guard let start = body.range(of: "name=\"_carry\" value=\"") else { return "" }
            return String(body[start.upperBound...].prefix { $0 != "\"" })
        }
        let path = "/admin/surveys/seiten-offen/preview?lang=de"
        let first = try client.get(path)
        #expect(first.status == 200 && first.body.contains("<strong>Preview</strong>") && first.body.contains("Seite 1 von 3"))
        let missing = try client.post(path, [("_carry", carry(first.body)), ("_page", "0"), ("_nav", "next")])
        #expect(missing.status == 422 && missing.body.contains("id=\"error-kinder\"") && missing.body.contains("Seite 1 von 3"))
        let skipped = try client.post(path, [("_carry", carry(missing.body)), ("_page", "0"), ("_nav", "next"), ("kinder", "no")])
        #expect(skipped.status == 200 && skipped.body.contains("Seite 3 von 3"), "no children: the childcare page is skipped")
        // A preview's carried answers are signed for previews only.
        let replayed = try httpClient(daemon.port, "POST", "/s/seiten-offen",
                                      form: "_carry=\(carry(skipped.body).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&_page=2&_nav=next")
        #expect(replayed.status == 400)
        let done = try client.post(path, [("_carry", carry(skipped.body)), ("_page", "2"), ("_nav", "next"), ("wunsch", "Mehr Bänke")])
        #expect(done.status == 200 && done.body.contains("Vielen Dank"))
        #expect(try run(["sqlite3", dir + "/data/mitreden.sqlite", "SELECT count(*) FROM responses"]).output.hasPrefix("0"))
    }
}
