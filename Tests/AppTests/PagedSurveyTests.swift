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
        #expect(checks.count == 34, "\(output)")
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
}
