import Foundation
import Glibc
import Testing
@testable import App
import Survey

@Suite("The front door: GET / and what serve prints at its start", .serialized)
struct FrontDoorTests {
    @Test("GET / lists the open surveys with their links in the operator's frame, in German and English; no invite survey is named")
    func frontPage() throws {
        let dir = try Binary.workspace()
        let frame = """
        <!DOCTYPE html><html lang="{{lang}}"><head><meta charset="utf-8"><title>{{title}} – Landkreis Elbe-Elster</title></head>
        <body>{{content}}<footer><a href="https://www.lkee.de/impressum">Impressum</a> <a href="https://www.lkee.de/datenschutz">Datenschutz</a></footer></body></html>
        """
        try frame.write(toFile: dir + "/templates/page.html", atomically: true, encoding: .utf8)
        let (serve, port) = try startServe(in: dir)
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        let page = try httpClient(port, "GET", "/")
        #expect(page.status == 200)
        #expect(page.body.contains("<h1>Umfragen</h1>") && page.body.contains("href=\"/s/familienfreundlichkeit-herzberg?lang=de\""), "\(page.body)")
        #expect(page.body.contains("Wie familienfreundlich ist Herzberg (Elster)?</a> (bis 30. Juni 2027)"), "\(page.body)")
        #expect(page.body.contains("Impressum</a>") && page.body.contains("Datenschutz</a>"))
        for invite in ["jugendcheck-2027", "fachkraeftebedarf-2027", "bildungskonferenz-2027"] { #expect(!page.body.contains(invite)) }
        #expect(page.body.contains("href=\"/?lang=en\""))
        let english = try httpClient(port, "GET", "/?lang=en")
        #expect(english.status == 200 && english.body.contains("<html lang=\"en\"") && english.body.contains("<h1>Surveys</h1>"), "\(english.body)")
        #expect(english.body.contains("(until June 30, 2027)"), "\(english.body)")
    }

    @Test("serve's first words: the address, each open survey's link, a first test for an invite survey, where mail goes")
    func welcome() throws {
        let catalog = SurveyCatalog.load(try SurveyCatalog.files(in: Binary.repository.appendingPathComponent("surveys").path))
        let config = try Configuration.parse(options: ["--base-url": "https://umfrage.lkee.de/"], environment: [:])
        let text = Commands.welcome(config, surveys: catalog.surveys, port: 8080, now: Date(timeIntervalSince1970: 1_798_000_000))
        #expect(text.hasPrefix("Mitreden is running: https://umfrage.lkee.de/ (listening on 127.0.0.1:8080)\n"), "\(text)")
        #expect(text.contains("  https://umfrage.lkee.de/s/familienfreundlichkeit-herzberg\n"), "\(text)")
        #expect(text.contains("mitreden participants import fachkraeftebedarf-2027 test.csv && mitreden invite fachkraeftebedarf-2027"), "\(text)")
        #expect(text.contains("bildungskonferenz-2027 (closed)"), "\(text)")
        #expect(text.hasSuffix("Mail goes to the outbox folder data/outbox (set MITREDEN_SMTP_URL to send it).\n"), "\(text)")
    }
}
