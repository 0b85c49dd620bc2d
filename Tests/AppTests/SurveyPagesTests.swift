import Foundation
import Glibc
import Testing

/// Python's http.client against the daemon: status, Location and body of one request.
func httpClient(_ port: Int, _ method: String, _ path: String, form: String? = nil) throws -> (status: Int, location: String, body: String) {
    let script = """
    import http.client, json, sys
    c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
    body = sys.argv[4] if len(sys.argv) > 4 else None
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
    c.request(sys.argv[2], sys.argv[3], body=body, headers=headers)
    r = c.getresponse()
    print(json.dumps({"status": r.status, "location": r.getheader("Location") or "", "body": r.read().decode()}))
    """
    let result = try run(["python3", "-c", script, String(port), method, path] + (form.map { [$0] } ?? []))
    let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] ?? [:]
    return (json["status"] as? Int ?? 0, json["location"] as? String ?? "", json["body"] as? String ?? "")
}

@Suite("Survey pages (real daemon, Python http.client)", .serialized)
struct SurveyPagesTests {
    let answers = "alter=15-17&themen=oepnv&zufriedenheit=4&aussagen.mitreden=4&engagiert=no&stunden=99&wunsch=%3Cscript%3Ealert(1)%3C%2Fscript%3E&vorschlaege.1=skatepark&vorschlaege.2=wlan&vorschlaege.3=jugendtreff"

    @Test("personal link: form, a mistake kept with its error (422), stored (303), then already answered (409)")
    func invited() throws {
        let dir = try Binary.workspace()
        try importParticipants(2, into: dir)
        let token = try run(["sqlite3", dir + "/data/mitreden.sqlite", "SELECT token FROM participants WHERE email = 'person1@schule.example'"])
            .output.trimmingCharacters(in: .whitespacesAndNewlines)
        let (serve, port) = try startServe(in: dir)
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }

        let form = try httpClient(port, "GET", "/t/\(token)")
        #expect(form.status == 200)
        #expect(form.body.contains("<legend>Wie alt bist du? <span class=\"required\">(Pflichtfrage)</span></legend>"))
        #expect(form.body.contains("Nur beantworten, wenn: „Engagierst du dich ehrenamtlich"))
        #expect(form.body.contains("action=\"/t/\(token)?lang=de\""))

        let mistake = try httpClient(port, "POST", "/t/\(token)", form: answers.replacingOccurrences(of: "alter=15-17&", with: "") + "&zufriedenheit=9")
        #expect(mistake.status == 422)
        #expect(mistake.body.contains("<a href=\"#q-alter\">Wie alt bist du?: Bitte diese Frage beantworten.</a>"))
        #expect(mistake.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;</textarea>"), "typed text is kept, escaped")
        #expect(!mistake.body.contains("<script>"))

        let stored = try httpClient(port, "POST", "/t/\(token)", form: answers)
        #expect(stored.status == 303)
        #expect(stored.location == "/thanks/jugendcheck-2027?lang=de")
        #expect(try httpClient(port, "GET", stored.location).body.contains("Vielen Dank!"))
        #expect(try httpClient(port, "GET", "/t/\(token)").status == 409)
        #expect(try httpClient(port, "POST", "/t/\(token)", form: answers).status == 409)

        let rows = try run(["sqlite3", "-separator", "|", dir + "/data/mitreden.sqlite", "SELECT participant_id IS NULL, length(submitted), attributes, answers FROM responses"]).output
        #expect(rows.hasPrefix("1|10|{\"kommune\":\"Finsterwalde\",\"altersgruppe\":\"15-17\"}|"), "anonymous: no participant, the day only")
        #expect(rows.contains("\"engagiert\":\"no\"") && !rows.contains("\"stunden\""), "the hidden question's answer was dropped")
        #expect(try httpClient(port, "GET", "/t/AAAAAAAAAAAAAAAAAAAAAAAA").status == 404)

        let results = try Binary.run(["results", "jugendcheck-2027", "--format", "json", "--by", "kommune"], in: dir)
        #expect(results.status == 0, "\(results.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(results.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(document["responses"] as? Int == 1)
        let alter = (document["questions"] as? [[String: Any]])?.first { $0["id"] as? String == "alter" }
        let counts = (alter?["options"] as? [[String: Any]])?.map { "\($0["code"]!)=\($0["count"]!)" }
        #expect(counts == ["12-14=0", "15-17=1", "18-21=0", "22-27=0"])
        let groups = document["groups"] as? [[String: Any]] ?? []
        #expect(groups.allSatisfy { $0["suppressed"] as? Bool == true && $0["questions"] == nil }, "a group of one is withheld")
        try "x".write(toFile: dir + "/bericht.txt", atomically: true, encoding: .utf8)
        let overwrite = try Binary.run(["results", "jugendcheck-2027", "--output", "bericht.txt"], in: dir)
        #expect(overwrite.status == 1 && overwrite.stderr.contains("'bericht.txt' exists"))
        #expect(try Binary.run(["results", "jugendcheck-2027", "--format", "pdf"], in: dir).status == 2)
        let csv = try Binary.run(["results", "jugendcheck-2027", "--format", "csv", "--separator", ";"], in: dir)
        #expect(csv.status == 0 && csv.stdout.hasPrefix("\u{FEFF}group;question;question_text;kind;"))
        let html = try Binary.run(["results", "jugendcheck-2027", "--format", "html", "--by", "kommune"], in: dir)
        #expect(html.status == 0 && html.stdout.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let export = try Binary.run(["export", "jugendcheck-2027", "--codebook", "codebuch.csv"], in: dir)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("response,submitted,kommune,altersgruppe,alter,themen.oepnv,"))
        #expect(!export.stdout.contains("@schule.example") && export.stdout.contains(",*,*,"), "one response: its attributes withheld")
        #expect(try String(contentsOfFile: dir + "/codebuch.csv", encoding: .utf8).contains("themen.oepnv,themen,multi,"))
    }

    @Test("open survey: form, stored; invite surveys have no public link; a closed survey says so (403)")
    func openAndClosed() throws {
        let dir = try Binary.workspace()
        let closed = try String(contentsOfFile: dir + "/surveys/bildungskonferenz-2027.yml", encoding: .utf8)
            .replacingOccurrences(of: "access: invite", with: "access: open").replacingOccurrences(of: "attributes: [bereich]\n", with: "")
            .replacingOccurrences(of: "reminders:\n  after: 5d\n  max: 1\n", with: "")
        try Binary.withDates(closed, opens: "2025-01-01", closes: "2025-02-01").write(toFile: dir + "/surveys/bildungskonferenz-2027.yml", atomically: true, encoding: .utf8)
        let (serve, port) = try startServe(in: dir)
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        // The open form's page, kept whole after the first time, in each language with its own action.
        let german = try httpClient(port, "GET", "/s/familienfreundlichkeit-herzberg").body
        let english = try httpClient(port, "GET", "/s/familienfreundlichkeit-herzberg?lang=en").body
        #expect(german.contains("action=\"/s/familienfreundlichkeit-herzberg?lang=de\"") && english.contains("action=\"/s/familienfreundlichkeit-herzberg?lang=en\""))
        #expect(try httpClient(port, "GET", "/s/familienfreundlichkeit-herzberg?lang=de").body == german)
        #expect(english.contains("<html lang=\"en\">"))
        let stored = try httpClient(port, "POST", "/s/familienfreundlichkeit-herzberg", form: "wohnort=umland&kinder=2&elternportal=yes")
        #expect(stored.status == 303)
        #expect(try httpClient(port, "GET", "/s/jugendcheck-2027").status == 404)
        let ended = try httpClient(port, "GET", "/s/bildungskonferenz-2027")
        #expect(ended.status == 403 && ended.body.contains("Umfrage beendet"))
        let metrics = try httpClient(port, "GET", "/metrics").body
        #expect(metrics.contains("mitreden_responses_stored{survey=\"familienfreundlichkeit-herzberg\"} 1"), "\(metrics)")
        #expect(metrics.contains("mitreden_http_requests_total{method=\"POST\",status=\"303\"} 1"))
        #expect(metrics.contains("mitreden_mail_queue_length 0"))
        // The one stored answer was one group commit, timed; no WAL restart was needed.
        #expect(metrics.contains("mitreden_commit_seconds_count 1\n") && metrics.contains("mitreden_commit_seconds_bucket{le=\"+Inf\"} 1\n"), "\(metrics)")
        #expect(metrics.contains("# TYPE mitreden_commit_seconds histogram") && metrics.contains("mitreden_wal_restart_seconds_count 0\n"))
        let longest = metrics.split(separator: "\n").first { $0.hasPrefix("mitreden_commit_longest_seconds ") }.flatMap { Double($0.split(separator: " ")[1]) }
        #expect(longest.map { $0 > 0 && $0 < 5 } == true, "\(metrics)")
    }

    @Test("templates/page.html wraps every public page; check finds an unknown placeholder in it")
    func pageFrame() throws {
        let dir = try Binary.workspace()
        let frame = """
        <!DOCTYPE html><html lang="{{lang}}"><head><meta charset="utf-8"><title>{{title}} – Landkreis Elbe-Elster</title></head>
        <body><header><img src="/logo.svg" alt="Landkreis Elbe-Elster"></header>{{content}}
        <footer><a href="https://www.lkee.de/impressum">Impressum</a></footer></body></html>
        """
        try frame.write(toFile: dir + "/templates/page.html", atomically: true, encoding: .utf8)
        #expect(try Binary.run(["check"], in: dir).status == 0)
        let (serve, port) = try startServe(in: dir)
        let page = try httpClient(port, "GET", "/s/familienfreundlichkeit-herzberg").body
        kill(serve.processIdentifier, SIGKILL)
        serve.waitUntilExit()
        #expect(page.hasPrefix("<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Wie familienfreundlich ist Herzberg (Elster)? – Landkreis Elbe-Elster</title>"))
        #expect(page.contains("<main>\n<h1>Wie familienfreundlich ist Herzberg (Elster)?</h1>") && page.contains("Impressum</a></footer>"))

        try frame.replacingOccurrences(of: "{{title}}", with: "{{titel}}").write(toFile: dir + "/templates/page.html", atomically: true, encoding: .utf8)
        let check = try Binary.run(["check"], in: dir)
        #expect(check.status == 1)
        #expect(check.stderr.hasPrefix("templates/page.html:1:73: error: unknown placeholder {{titel}} (did you mean {{title}}?"), "\(check.stderr)")
    }
}
