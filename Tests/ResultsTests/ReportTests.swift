import Foundation
import JSON
import SQLite
import Store
import Testing
@testable import Results
@testable import Survey

/// Runs a program and returns its standard output.
func run(_ arguments: [String], input: String? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    let inPipe = Pipe()
    process.standardInput = inPipe
    try process.run()
    if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try inPipe.fileHandleForWriting.close()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// A real database in a fresh folder holding `responses` to `survey`, stored as the daemon stores them.
func database(_ survey: Survey, _ responses: [StoredResponse]) throws -> Database {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mitreden-results-\(UUID().uuidString)").path
    let database = try Database(directory: dir)
    try database.register(survey)
    try database.connection.transaction {
        for (i, r) in responses.enumerated() {
            let answers = CheckedAnswers(answers: r.answers, otherTexts: r.other).json(in: survey)
            let attributes = JSONValue.object(r.attributes.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }).serialized()
            try database.connection.run("INSERT INTO responses (id, survey_id, submitted, source, attributes, answers) VALUES (?, ?, '2027-03-01', 'form', ?, ?)",
                                        [.text(String(format: "r%05d", i)), .text(survey.id), .text(attributes), .text(answers)])
        }
        // Noted for kept tallies and counted on the survey's row, as `Database.insert` does.
        try database.connection.run("INSERT INTO tally_log (survey_id, epoch, first_id, response_ids, responses) SELECT survey_id, 0, id, id, 1 FROM responses WHERE survey_id = ?",
                                    [.text(survey.id)])
        try database.connection.run("UPDATE surveys SET response_count = ? WHERE id = ?", [.integer(Int64(responses.count)), .text(survey.id)])
    }
    return database
}

/// Answer texts a report must carry through unharmed: markup, quotes, separators, line breaks,
/// a spreadsheet formula and right-to-left marks.
let hostileTexts = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "a;b,c\nzweite \"Zeile\"", "=HYPERLINK(\"http://x\")", "\u{202E}gnp.exe\u{202C} مرحبا"]

@Suite("Results: CSV, HTML and export")
struct ReportTests {
    func hostileResponses() -> [StoredResponse] {
        var responses = generateResponses(60, kommunen: ["Herzberg", "Finsterwalde", "Doberlug-Kirchhain"])
        for (i, text) in hostileTexts.enumerated() {
            responses[i].answers["wunsch"] = .text(text)
            responses[i].answers["themen"] = .choices(["other"])
            responses[i].other["themen"] = text
        }
        return responses
    }

    @Test("CSV read back by Python's csv module: the same counts, hostile texts intact, BOM and ';' with decimal commas")
    func csvReadBack() throws {
        let document = ResultsDocument(survey: youthSurvey, language: "de", responses: hostileResponses(), by: "kommune", invited: 90).json()
        for separator: Character in [",", ";"] {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("results-\(UUID().uuidString).csv").path
            try CSVReport.render(document, separator: separator).write(toFile: path, atomically: true, encoding: .utf8)
            let json = try run(["python3", "-c", """
                import csv, json, sys
                with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
                    print(json.dumps(list(csv.DictReader(f, delimiter=sys.argv[2]))))
                """, path, String(separator)])
            let rows = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: String]] ?? []
            #expect(rows.first { $0["kind"] == "responses" && $0["group"] == "" }?["count"] == "60")
            // every option count of the document is in the table
            for option in question(document, "alter")["options"]?.array ?? [] {
                let row = rows.first { $0["group"] == "" && $0["question"] == "alter" && $0["kind"] == "option" && $0["code"] == plainText(option["code"]) }
                #expect(row?["count"] == plainText(option["count"]))
                #expect(row?["percent"] == plainText(option["percent"], decimalComma: separator == ";"))
            }
            let answers = rows.filter { $0["question"] == "wunsch" && $0["kind"] == "answer" }.compactMap { $0["label"] }
            for text in hostileTexts {
                #expect(answers.contains(text.hasPrefix("=") ? "'" + text : text), "\(text)")
            }
            #expect(rows.filter { $0["kind"] == "answer" && $0["group"] != "" }.isEmpty, "no free text in groups")
            #expect(rows.contains { $0["group"] == "Herzberg" && $0["kind"] == "responses" && $0["count"] == "20" })
        }
    }

    @Test("HTML: one self-contained file, every answer text escaped, bars as SVG beside a table, withheld groups named")
    func html() throws {
        var responses = hostileResponses()
        responses += (0..<2).map { _ in StoredResponse(attributes: ["kommune": "Uebigau-Wahrenbrück"], answers: ["engagiert": .choice("no")], other: [:]) }
        let page = HTMLReport.render(ResultsDocument(survey: youthSurvey, language: "de", responses: responses, by: "kommune", invited: 90).json(), language: "de")
        #expect(page.hasPrefix("<!doctype html>\n<html lang=\"de\">"))
        #expect(!page.contains("<script") && !page.contains("<img") && !page.contains("href=\"http"), "no markup from answers, nothing loaded from outside")
        #expect(page.contains("<li dir=\"auto\">&lt;script&gt;alert(1)&lt;/script&gt;</li>"))
        #expect(page.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(page.contains("\u{202E}gnp.exe\u{202C} مرحبا"), "right-to-left text kept, in an element with dir=auto")
        #expect(page.contains("<svg aria-hidden=\"true\""))
        #expect(page.contains("<th scope=\"row\">Uebigau-Wahrenbrück</th><td>0</td><td>weniger als 5, nicht ausgewiesen</td>"))
        // Python's HTML parser sees balanced elements
        let check = try run(["python3", "-c", """
            import sys
            from html.parser import HTMLParser
            void = {"meta", "br", "img", "input", "link", "rect"}
            class P(HTMLParser):
                def __init__(self):
                    super().__init__(); self.stack = []; self.errors = []
                def handle_starttag(self, tag, attrs):
                    if tag not in void: self.stack.append(tag)
                def handle_startendtag(self, tag, attrs): pass
                def handle_endtag(self, tag):
                    if not self.stack or self.stack.pop() != tag: self.errors.append(tag)
            p = P(); p.feed(sys.stdin.read()); print("ok" if not p.errors and p.stack == [] else f"unbalanced {p.errors} {p.stack}")
            """], input: page)
        #expect(check.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }

    @Test("HTML with a limit on free texts: the first ones listed, the rest counted (the console's page)")
    func textLimit() throws {
        let responses = ["Busse", "Apfelbaum", "Zebrastreifen", "Kino"].map {
            StoredResponse(attributes: [:], answers: ["wunsch": .text($0)], other: [:])
        }
        let document = ResultsDocument(survey: youthSurvey, language: "de", responses: responses, invited: nil).json()
        let limited = HTMLReport.render(document, language: "de", textLimit: 2)
        #expect(limited.contains("<li dir=\"auto\">Apfelbaum</li>\n<li dir=\"auto\">Busse</li>\n</ul>\n<p>Die ersten 2 in alphabetischer Reihenfolge; 2 weitere"))
        #expect(!limited.contains("Zebrastreifen"))
        #expect(HTMLReport.render(document, language: "de").contains("<li dir=\"auto\">Zebrastreifen</li>"), "the full report lists every text")
    }

    @Test("export: one row per response, stable columns, multi as 0/1, ranking places, no names or emails")
    func export() throws {
        var survey = youthSurvey
        survey.anonymous = false
        let responses = generateResponses(40, kommunen: ["Herzberg", "Finsterwalde"])
        let database = try database(survey, responses)
        let export = Export(survey: survey, language: "de")
        let table = try CSVReaderTable(export.csv(database))
        #expect(table.header.prefix(4) == ["response", "submitted", "kommune", "altersgruppe"])
        #expect(table.header.contains("themen.oepnv") && table.header.contains("themen.other") && table.header.contains("themen.other_text"))
        #expect(table.header.contains("aussagen.mitreden") && table.header.contains("vorschlaege.skatepark"))
        #expect(table.rows.count == 40)
        for (i, r) in responses.enumerated() {
            let row = table.row(String(format: "r%05d", i))
            if case .choices(let codes)? = r.answers["themen"] {
                #expect(row["themen.oepnv"] == (codes.contains("oepnv") ? "1" : "0"))
            } else {
                #expect(row["themen.oepnv"] == "")
            }
            if case .order(let order)? = r.answers["vorschlaege"] {
                #expect(row["vorschlaege.wlan"] == String(order.firstIndex(of: "wlan")! + 1))
            }
            #expect(row["kommune"] == r.attributes["kommune"])
        }
        let codebook = try CSVReaderTable(export.codebook())
        #expect(Set(codebook.rows.map { $0[0] }).isSuperset(of: Set(table.header)), "every column is in the codebook")
    }

    @Test("anonymous export: attributes of rare combinations written as '*' (k-anonymity), common ones kept")
    func kAnonymity() throws {
        var responses = (0..<6).map { _ in StoredResponse(attributes: ["kommune": "Herzberg", "altersgruppe": "15-17"], answers: ["engagiert": .choice("no")], other: [:]) }
        responses += (0..<4).map { _ in StoredResponse(attributes: ["kommune": "Herzberg", "altersgruppe": "22-27"], answers: ["engagiert": .choice("yes")], other: [:]) }
        responses.append(StoredResponse(attributes: ["kommune": "Sonnewalde", "altersgruppe": "15-17"], answers: ["engagiert": .choice("yes")], other: [:]))
        let table = try CSVReaderTable(Export(survey: youthSurvey, language: "de").csv(database(youthSurvey, responses)))
        let pairs = table.rows.map { [$0[2], $0[3]] }
        #expect(pairs.filter { $0 == ["Herzberg", "15-17"] }.count == 6, "six share it: kept")
        #expect(pairs.filter { $0 == ["*", "*"] }.count == 5, "four and one share theirs: withheld")
        #expect(!table.rows.joined().joined().contains("Sonnewalde"))
    }
}

/// A CSV text read back by our reader, rows by column name.
struct CSVReaderTable {
    let header: [String]
    let rows: [[String]]

    init(_ text: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let json = try run(["python3", "-c", "import csv, json, sys\nprint(json.dumps(list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))))", path])
        let all = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String]] ?? []
        header = all.first ?? []
        rows = Array(all.dropFirst())
    }

    func row(_ id: String) -> [String: String] {
        guard let row = rows.first(where: { $0.first == id }) else { return [:] }
        return Dictionary(uniqueKeysWithValues: zip(header, row))
    }
}

@Suite("Results: the fast reader agrees with the general one")
struct FastPathTests {
    @Test("tallies read straight from the stored bytes equal those of the general JSON reader, odd rows included")
    func differential() throws {
        let database = try database(youthSurvey, generateResponses(500, kommunen: ["Herzberg", "Bad Liebenwerda", "Finsterwalde", "Uebigau-Wahrenbrück"]))
        // Rows the fast reader hands to the general one: escapes, spaces, unknown members and
        // codes, a scale as a decimal, matrix rows out of order, broken JSON, escaped attributes.
        let odd = [
            (#"{"kommune":"Herzberg"}"#, #"{"alter":"15-17","wunsch":"Zeile 1\nZeile \"2\" \u00e4","engagiert":"yes","stunden":2.5}"#),
            (#"{"kommune":"Herzberg"}"#, #"{ "alter": "15-17", "engagiert": "no" }"#),
            (#"{"kommune":"Herzberg"}"#, #"{"alter":"99-100","themen":["oepnv","mond"],"geloescht":1,"zufriedenheit":3.0}"#),
            (#"{"kommune":"Finsterwalde"}"#, #"{"aussagen":{"gehoert":"2","mitreden":"5"},"engagiert":"yes","stunden":0}"#),
            (#"{"kommune":"Finsterwalde"}"#, #"{"alter":"12-14""#),
            (#"{"kommune":"Fin\u0073terwalde"}"#, #"{"vorschlaege":[],"aussagen":{},"themen":["other"],"themen.other":"Jugendraum \"neu\""}"#),
            (#"{"altersgruppe":"15-17"}"#, #"{"zufriedenheit":9,"stunden":-3,"engagiert":"yes"}"#),
        ]
        for (i, row) in odd.enumerated() {
            try database.connection.run("INSERT INTO responses (id, survey_id, submitted, source, attributes, answers) VALUES (?, 'jugendcheck-2027', '2027-03-01', 'form', ?, ?)",
                                        [.text("odd\(i)"), .text(row.0), .text(row.1)])
        }
        var general: [StoredResponse] = []
        try database.forEachResponse(surveyID: youthSurvey.id) { general.append(StoredResponse(youthSurvey, $0)) }
        #expect(general.count == 507)
        for by in [nil, "kommune"] {
            let slow = ResultsDocument(survey: youthSurvey, language: "de", responses: general, by: by, invited: nil)
            for parts in [1, 2, 3] {
                let fast = ResultsDocument(tally: try ResultsTally(survey: youthSurvey, by: by, database: database, parts: parts), language: "de",
                                           invited: nil, generatedAt: slow.generatedAt)
                #expect(fast.json().serialized(pretty: true) == slow.json().serialized(pretty: true), "by \(by ?? "none"), \(parts) parts")
            }
        }
        #expect(try database.responseIDRanges(surveyID: youthSurvey.id, parts: 3).count == 3)
    }
}
