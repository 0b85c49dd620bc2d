import Foundation
import Glibc
import Testing

/// Paper questionnaires end to end: `print` (also through headless Chromium to PDF, read back by
/// pdftotext), `export --header-only`, `responses import` into a real SQLite file, `results
/// --by source`, and a running daemon that refuses a code used on paper.
@Suite("Paper questionnaires and answers typed in from paper (the real binary)", .serialized)
struct PaperTests {
    static let surveys = ["bildungskonferenz-2027", "fachkraeftebedarf-2027", "familienfreundlichkeit-herzberg", "jugendcheck-2027"]

    /// The survey as `check --print` understands it.
    func survey(_ id: String, in dir: String) throws -> [String: Any] {
        let printed = try Binary.run(["check", "--print", "surveys/\(id).yml"], in: dir)
        return try #require(try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any], "\(printed.stderr)")
    }

    func count(_ text: String, _ part: String) -> Int { text.components(separatedBy: part).count - 1 }

    /// The HTML of question `number` (1-based).
    func fieldset(_ html: String, _ number: Int) -> String? {
        guard let start = html.range(of: "<fieldset class=\"question\" id=\"q\(number)\""),
              let end = html.range(of: "</fieldset>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }

    /// The text of each page of `html` printed to PDF by headless Chromium.
    func pdfPages(_ html: String, in dir: String) throws -> [String] {
        let path = dir + "/print-\(UUID().uuidString)"
        try html.write(toFile: path + ".html", atomically: true, encoding: .utf8)
        let printed = try run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                               "--user-data-dir=\(dir)/chromium", "--print-to-pdf=\(path).pdf", "file://\(path).html"])
        #expect(FileManager.default.fileExists(atPath: path + ".pdf"), "\(printed.output)")
        let text = try run(["pdftotext", path + ".pdf", "-"]).output
        // One string per page, every run of white space made one space.
        return text.components(separatedBy: "\u{0C}").map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }.filter { !$0.isEmpty }
    }

    @Test("print writes every example survey as a questionnaire: numbered questions, a box per option, show_if in words, the code field", arguments: surveys)
    func printsEverySurvey(_ id: String) throws {
        try ExternalToolsCheck.require("chromium", "pdftotext")
        let dir = try Binary.workspace()
        let shape = try survey(id, in: dir)
        let result = try Binary.run(["print", id, "--output", "q.html"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOfFile: dir + "/q.html", encoding: .utf8)
        let questions = try #require(shape["questions"] as? [[String: Any]])
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<html lang=\"de\">") && html.contains("@page"))
        #expect(count(html, "<fieldset class=\"question\"") == questions.count)
        for (index, q) in questions.enumerated() {
            let block = try #require(fieldset(html, index + 1), "question \(index + 1)")
            #expect(block.contains("<span class=\"number\">\(index + 1).</span>") && block.contains("data-question=\"\(q["id"] as! String)\""))
            let options = (q["options"] as? [Any])?.count ?? 0
            // `check --print` lists `other` among the options of a question that has it.
            let codes = (q["options"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            let other = q["other"] as? Bool == true && !codes.contains("other") ? 1 : 0
            switch q["type"] as! String {
            case "single": #expect(count(block, "box round") == options + other)
            case "multi": #expect(count(block, "<span class=\"box\" aria-hidden") == options + other && count(block, "box round") == 0)
            case "yesno": #expect(count(block, "box round") == 2)
            case "scale": #expect(count(block, "box round") == (q["max"] as! Int) - (q["min"] as! Int) + 1)
            case "matrix": #expect(count(block, "box round") == ((q["rows"] as? [Any])?.count ?? 0) * options)
            case "ranking": #expect(count(block, "box place") == options)
            case "number": #expect(count(block, "box digit") > 0 || block.contains("class=\"line\""))
            default: #expect(block.contains("class=\"line\""))
            }
            if q["required"] as? Bool == true { #expect(block.contains("(Pflichtfrage)")) }
            if q["show_if"] != nil { #expect(block.contains("<p class=\"when\">Nur beantworten, wenn "), "\(block)") }
        }
        #expect((shape["access"] as? String == "invite") == html.contains("<h2 id=\"code-title\">Zugangscode</h2>"))
        if shape["access"] as? String == "invite" { #expect(count(html, "box digit") >= 12) }
        for language in (shape["languages"] as? [String] ?? []).dropFirst() {
            let other = try Binary.run(["print", id, "--lang", language], in: dir)
            #expect(other.status == 0 && other.stdout.contains("<html lang=\"\(language)\">"))
        }

        // Printed to PDF: every question's number and the start of its text are there.
        let pages = try pdfPages(html, in: dir)
        let text = pages.joined(separator: " ")
        #expect(!pages.isEmpty)
        for (index, q) in questions.enumerated() {
            let words = ((q["text"] as? String) ?? ((q["text"] as? [String: String])?["de"] ?? "")).split(separator: " ").prefix(3).joined(separator: " ")
            #expect(text.contains("\(index + 1). \(words)"), "question \(index + 1) (\(words)) in the PDF")
        }
    }

    @Test("no question is split across pages: each question's labels are on the page of its heading")
    func noQuestionSplit() throws {
        try ExternalToolsCheck.require("chromium", "pdftotext")
        let dir = try Binary.workspace()
        var yaml = "id: lang-papier\ntitle: Langer Fragebogen\nlanguages: [de]\naccess: open\nanonymous: true\nquestions:\n"
        var labels: [[String]] = []
        for n in 1...30 {
            let tag = "F\(n)x"
            var own = ["\(tag)frage"]
            switch n % 5 {
            case 0:
                let rows = (1...6).map { "\(tag)zeile\($0)" }
                yaml += "  - id: q\(n)\n    type: matrix\n    text: \(tag)frage\n    rows: [\(rows.joined(separator: ", "))]\n    options: [gut, mittel, schlecht]\n"
                own += rows
            case 1:
                let options = (1...7).map { "\(tag)wahl\($0)" }
                yaml += "  - id: q\(n)\n    type: multi\n    text: \(tag)frage\n    options: [\(options.joined(separator: ", "))]\n    other: true\n"
                own += options
            case 2:
                yaml += "  - id: q\(n)\n    type: text\n    text: \(tag)frage\n    help: \(tag)hilfe\n    multiline: true\n"
                own += ["\(tag)hilfe"]
            case 3:
                let options = (1...5).map { "\(tag)platz\($0)" }
                yaml += "  - id: q\(n)\n    type: ranking\n    text: \(tag)frage\n    options: [\(options.joined(separator: ", "))]\n"
                own += options
            default:
                yaml += "  - id: q\(n)\n    type: scale\n    text: \(tag)frage\n    min: 1\n    max: 7\n    min_label: \(tag)wenig\n    max_label: \(tag)viel\n"
                own += ["\(tag)wenig", "\(tag)viel"]
            }
            labels.append(own)
        }
        try yaml.write(toFile: dir + "/surveys/lang-papier.yml", atomically: true, encoding: .utf8)
        let printed = try Binary.run(["print", "lang-papier"], in: dir)
        #expect(printed.status == 0, "\(printed.stderr)")
        let pages = try pdfPages(printed.stdout, in: dir)
        #expect(pages.count >= 4, "30 questions fill several pages")
        for (index, own) in labels.enumerated() {
            let holding = pages.indices.filter { pages[$0].contains(own[0]) }
            #expect(holding.count == 1, "question \(index + 1)'s heading is on one page")
            guard let page = holding.first else { continue }
            #expect(pages[page].contains("\(index + 1). \(own[0])"), "numbered \(index + 1)")
            for label in own.dropFirst() {
                #expect(pages[page].contains(label), "\(label) is on the page of question \(index + 1) (page \(page + 1))")
            }
        }
        #expect(pages[0].contains("Seite 1 von \(pages.count)"), "page numbers at the foot")
    }

    @Test("export --header-only is the export's header; for an invite survey with the code first")
    func headerOnly() throws {
        let dir = try Binary.workspace()
        for (id, prefix) in [("familienfreundlichkeit-herzberg", ""), ("jugendcheck-2027", "code;")] {
            let header = try Binary.run(["export", id, "--header-only", "--separator", ";"], in: dir)
            let export = try Binary.run(["export", id, "--separator", ";"], in: dir)
            #expect(header.status == 0 && export.status == 0, "\(header.stderr)\(export.stderr)")
            let exportHeader = try #require(export.stdout.components(separatedBy: "\r\n").first)
            #expect(header.stdout == "\u{FEFF}" + prefix + exportHeader.dropFirst() + "\r\n", "\(header.stdout)")
            #expect(!export.stdout.contains("code;"), "the export itself has no codes")
        }
    }

    // MARK: - Import

    /// A CSV file with `columns` and one line per row (column → cell), every cell quoted.
    func csv(_ columns: [String], _ rows: [[String: String]]) -> String {
        func cell(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return ([columns.map(cell).joined(separator: ";")] + rows.map { row in columns.map { cell(row[$0] ?? "") }.joined(separator: ";") })
            .joined(separator: "\r\n") + "\r\n"
    }

    func template(_ id: String, in dir: String) throws -> [String] {
        let header = try Binary.run(["export", id, "--header-only", "--separator", ";"], in: dir).stdout
        return header.dropFirst().trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: ";")
    }

    func sql(_ dir: String, _ query: String) throws -> String {
        try run(["sqlite3", dir + "/data/mitreden.sqlite", query]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    let answers: [String: String] = ["alter": "15-17", "themen.oepnv": "1", "themen.freizeit": "0", "zufriedenheit": "4",
                                     "aussagen.mitreden": "5", "engagiert": "yes", "stunden": "3", "wunsch": "Ein Jugendclub, \"bitte\"; bald",
                                     "vorschlaege.jugendtreff": "2", "vorschlaege.skatepark": "1", "vorschlaege.wlan": "3"]

    @Test("a paper file imports in one go (dry run first), its codes answer no more online, results --by source tell web and paper apart; a bad file imports nothing and names every bad cell")
    func inviteSurvey() throws {
        let dir = try Binary.workspace()
        let created = try Binary.run(["codes", "jugendcheck-2027", "--count", "12", "--set", "kommune=Herzberg", "--set", "altersgruppe=15-17"], in: dir)
        #expect(created.status == 0, "\(created.stderr)")
        let codes = try sql(dir, "SELECT code FROM participants ORDER BY id").split(separator: "\n").map(String.init)
        #expect(codes.count == 12)
        let columns = try template("jugendcheck-2027", in: dir)
        #expect(columns.first == "code" && columns.contains("themen.other_text") && columns.contains("aussagen.gehoert"))
        // Codes as people write them: lower case, spaces, dashes.
        func typed(_ code: String) -> String { String(code.prefix(4)) + "-" + String(code.dropFirst(4).prefix(4)) + " " + String(code.suffix(4)) }
        let good: [[String: String]] = (0..<6).map { i in answers.merging(["code": i == 0 ? codes[i].lowercased() : typed(codes[i])]) { $1 } }
        try csv(columns, good + [[:]]).write(toFile: dir + "/papier.csv", atomically: true, encoding: .utf8)

        let dry = try Binary.run(["responses", "import", "jugendcheck-2027", "papier.csv", "--dry-run"], in: dir)
        #expect(dry.status == 0 && dry.stdout.contains("checked 6 paper responses") && dry.stdout.contains("nothing was stored"), "\(dry.stdout)\(dry.stderr)")
        #expect(try sql(dir, "SELECT count(*) FROM responses") == "0" && sql(dir, "SELECT count(*) FROM participants WHERE answered = 1") == "0")

        let imported = try Binary.run(["responses", "import", "jugendcheck-2027", "papier.csv"], in: dir)
        #expect(imported.status == 0 && imported.stdout.hasPrefix("imported 6 paper responses into jugendcheck-2027 (1 empty row skipped)"), "\(imported.stdout)\(imported.stderr)")
        #expect(try sql(dir, "SELECT count(*) FROM responses WHERE source = 'paper' AND participant_id IS NULL AND length(submitted) = 10") == "6",
                "anonymous: no participant, the day only")
        #expect(try sql(dir, "SELECT DISTINCT attributes FROM responses") == #"{"kommune":"Herzberg","altersgruppe":"15-17"}"#)
        #expect(try sql(dir, "SELECT count(*) FROM participants WHERE answered = 1") == "6")
        #expect(try sql(dir, "SELECT json_extract(answers, '$.wunsch') FROM responses LIMIT 1") == "Ein Jugendclub, \"bitte\"; bald")
        let status = try Binary.run(["status", "jugendcheck-2027"], in: dir)
        #expect(status.stdout.range(of: #"answered\s+6"#, options: .regularExpression) != nil, "\(status.stdout)")
        let results = try Binary.run(["results", "jugendcheck-2027", "--by", "source", "--format", "json"], in: dir)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(results.stdout.utf8)) as? [String: Any], "\(results.stderr)")
        let groups = try #require(document["groups"] as? [[String: Any]])
        #expect(document["by"] as? String == "source" && groups.count == 1 && groups[0]["value"] as? String == "paper" && groups[0]["responses"] as? Int == 6)
        #expect(groups[0]["invited"] == nil, "invitations have no source")

        // The daemon: the codes used on paper answer no more; one answers online.
        let token = { (code: String) in try self.sql(dir, "SELECT token FROM participants WHERE code = '\(code)'") }
        let admin = "paper-test-admin-token-0123456789"
        let (serve, port) = try startServe(in: dir, environment: ["MITREDEN_ADMIN_TOKEN": admin])
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        #expect(try curl([base + "/t/" + token(codes[0])]).status == 409, "a code used on paper has answered")
        #expect(try curl(["-L", base + "/c/" + codes[3]]).status == 409)
        #expect(try curl([base + "/t/" + token(codes[6])]).status == 200)
        let online = try curl(["-d", "alter=12-14", base + "/t/" + token(codes[6])])
        #expect(online.status == 303, "\(online.body)")
        let api = try curl(["-H", "Authorization: Bearer \(admin)", base + "/api/surveys/jugendcheck-2027/results?by=source"])
        let split = try #require(try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any], "\(api.body)")
        let bySource = Dictionary(uniqueKeysWithValues: (split["groups"] as? [[String: Any]] ?? []).map { ($0["value"] as? String ?? "", $0) })
        #expect(split["responses"] as? Int == 7 && Set(bySource.keys) == ["web", "paper"], "\(api.body)")
        #expect(bySource["web"]?["suppressed"] as? Bool == true && bySource["paper"]?["suppressed"] as? Bool == true,
                "one web answer is withheld, and so is the next smallest group")
        kill(serve.processIdentifier, SIGTERM)
        serve.waitUntilExit()

        // A bad file: every bad cell named, nothing stored, not even its good rows.
        var typo = Array(codes[8])
        typo[5] = typo[5] == "A" ? "B" : "A"
        let bad: [[String: String]] = [
            answers.merging(["code": codes[7], "alter": "99"]) { $1 },                 // line 2: no such option
            answers.merging(["code": codes[8], "stunden": "200"]) { $1 },              // line 3: out of range
            answers.merging(["code": codes[1]]) { $1 },                                // line 4: answered on paper
            answers.merging(["code": String(typo)]) { $1 },                            // line 5: a typo
            answers.merging(["code": codes[9], "alter": ""]) { $1 },                   // line 6: required, empty
            answers.merging(["code": codes[10], "themen.oepnv": "x"]) { $1 },          // line 7: not 0/1
            answers.merging(["code": codes[6]]) { $1 },                                // line 8: answered online
            answers.merging(["code": codes[11]]) { $1 },                               // line 9: good
            answers.merging(["code": AccessCodeFlowTests().codeWithCheck("ZZZZZZZZZZZ")]) { $1 },   // line 10: nobody's
        ]
        try csv(columns, bad).write(toFile: dir + "/falsch.csv", atomically: true, encoding: .utf8)
        let refused = try Binary.run(["responses", "import", "jugendcheck-2027", "falsch.csv"], in: dir)
        #expect(refused.status == 1, "\(refused.stdout)")
        for (line, column, message) in [(2, "alter", "Please choose one of the answers"), (3, "stunden", "at most 80"),
                                        (4, "code", "has already answered"), (5, "code", "has a typo"), (6, "alter", "Please answer this question"),
                                        (7, "themen.oepnv", "is not 0 or 1"), (8, "code", "has already answered"), (10, "code", "nobody has the code")] {
            #expect(refused.stderr.contains("falsch.csv:\(line): error: column '\(column)': ") && refused.stderr.contains(message),
                    "line \(line), column \(column): \(refused.stderr)")
        }
        #expect(!refused.stderr.contains("falsch.csv:9:") && refused.stderr.contains("nothing was stored: 8 errors"), "\(refused.stderr)")
        #expect(try sql(dir, "SELECT count(*) FROM responses") == "7" && sql(dir, "SELECT answered FROM participants WHERE code = '\(codes[11])'") == "0")
        let dryBad = try Binary.run(["responses", "import", "jugendcheck-2027", "falsch.csv", "--dry-run"], in: dir)
        #expect(dryBad.status == 1 && dryBad.stderr == refused.stderr)
    }

    @Test("open surveys: attribute columns are kept, a code column is refused")
    func openSurvey() throws {
        let dir = try Binary.workspace()
        let columns = try template("familienfreundlichkeit-herzberg", in: dir)
        #expect(columns.first == "response" && !columns.contains("code"))
        let rows = (0..<5).map { ["wohnort": $0 % 2 == 0 ? "herzberg" : "umland", "kinder": "\($0)", "bereiche.kita": "gut", "elternportal": $0 > 0 ? "yes" : ""] }
        try csv(columns, rows).write(toFile: dir + "/offen.csv", atomically: true, encoding: .utf8)
        let imported = try Binary.run(["responses", "import", "familienfreundlichkeit-herzberg", "offen.csv"], in: dir)
        #expect(imported.status == 0 && imported.stdout.hasPrefix("imported 5 paper responses"), "\(imported.stderr)")
        let results = try Binary.run(["results", "familienfreundlichkeit-herzberg", "--by", "source"], in: dir)
        #expect(results.stdout.contains("== paper: 5 responses"), "\(results.stdout)")
        try csv(["code"] + columns, rows).write(toFile: dir + "/code.csv", atomically: true, encoding: .utf8)
        let coded = try Binary.run(["responses", "import", "familienfreundlichkeit-herzberg", "code.csv"], in: dir)
        #expect(coded.status == 1 && coded.stderr.contains("code.csv:1: error: column 'code': familienfreundlichkeit-herzberg is an open survey"))
    }

    @Test("a file over 32 MB is refused before it is read; help explains each command with examples")
    func limitsAndHelp() throws {
        let dir = try Binary.workspace()
        let path = dir + "/gross.csv"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 33 * 1024 * 1024)
        try handle.close()
        let large = try Binary.run(["responses", "import", "jugendcheck-2027", "gross.csv"], in: dir)
        #expect(large.status == 1 && large.stderr.contains("files up to 32 MB"), "\(large.stderr)")
        for (topic, example) in [(["print"], "mitreden print jugendcheck-2027 --output fragebogen.html"),
                                 (["responses", "import"], "mitreden responses import jugendcheck-2027 erfassung.csv --dry-run"),
                                 (["export"], "--header-only")] {
            let help = try Binary.run(["help"] + topic, in: dir)
            #expect(help.status == 0 && help.stdout.contains("Examples:") && help.stdout.contains(example), "\(help.stdout)")
        }
        let usage = try Binary.run(["results", "jugendcheck-2027", "--by", "schule"], in: dir)
        #expect(usage.status == 1 && usage.stderr.contains("or 'source'"))
    }
}

/// Tools the paper tests run; `scripts/setup --test` installs them (poppler-utils, chromium).
enum ExternalToolsCheck {
    struct Missing: Error, CustomStringConvertible { let description: String }

    static func require(_ programs: String...) throws {
        for program in programs where !["/usr/bin", "/bin", "/usr/local/bin"].contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }) {
            throw Missing(description: "\(program) is not installed; run scripts/setup --test")
        }
    }
}
