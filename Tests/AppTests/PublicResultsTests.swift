import Foundation
import Glibc
import Testing

/// `/r/{survey}` and `results --compare` against the real binary and a real SQLite file.
@Suite("Published results and waves (real daemon, curl)", .serialized)
struct PublicResultsTests {
    static func survey(id: String, closes: String, publish: String = "after_close", options: String = "[a, b, c]", extra: String = "") -> String {
        """
        id: \(id)
        title:
          de: Umfrage \(id)
          en: Survey \(id)
        languages: [de, en]
        access: invite
        anonymous: true
        opens: 2019-01-01
        closes: \(closes)
        attributes: [kommune]
        publish:
          results: \(publish)
          by: [kommune]
          note:
            de: Der Kreistag berät die Ergebnisse im Mai.
            en: The district council discusses the results in May.
        questions:
          - id: wahl
            type: single
            text: Was wählst du?
            options: \(options)
            other: true
          - id: note
            type: scale
            text: Wie zufrieden bist du?
            min: 1
            max: 5
          - id: wunsch
            type: text
            text: Was wünschst du dir?
        \(extra)
        """
    }

    /// Responses per municipality: Sonnewalde (2) is withheld, and with it the next smallest, Uebigau (7).
    static let groups = [("Herzberg", 12), ("Finsterwalde", 9), ("Uebigau", 7), ("Sonnewalde", 2)]

    /// Inserts responses as the daemon stores them; returns what each said (kommune, wahl, note).
    static func insert(_ survey: String, into dir: String, codes: [String], seed: Int) throws -> [(String, String, Int)] {
        var sql = "BEGIN;\n", said: [(String, String, Int)] = []
        var n = seed
        for (kommune, count) in groups {
            for i in 0..<count {
                n = (n &* 1103515245 &+ 12345) & 0x7fffffff
                let wahl = codes[n % codes.count], note = 1 + (n / 7) % 5
                said.append((kommune, wahl, note))
                let other = wahl == "other" ? ",\"wahl.other\":\"SONSTIGES-MARKER-\(i)\"" : ""
                sql += "INSERT INTO responses (id, survey_id, submitted, source, attributes, answers) VALUES ('\(survey)-\(kommune)-\(i)', '\(survey)', '2019-06-01', 'form', '{\"kommune\":\"\(kommune)\"}', '{\"wahl\":\"\(wahl)\"\(other),\"note\":\(note),\"wunsch\":\"FREITEXT-MARKER-\(i)\"}');\n"
            }
        }
        let result = try run(["sqlite3", dir + "/data/mitreden.sqlite", sql + "COMMIT;\n"])
        guard result.status == 0 else { throw SMTPServerError(message: result.output) }
        return said
    }

    static func percent(_ count: Int, _ of: Int) -> String {
        let value = (Double(count) * 1000 / Double(of)).rounded(.toNearestOrAwayFromZero) / 10
        return String(format: "%.1f", value).replacingOccurrences(of: ".0", with: "").replacingOccurrences(of: ".", with: ",")
    }

    @Test("/r: the results document's numbers, withheld groups absent, no free text, 404 before publication, languages, linked from thanks")
    func publicPage() throws {
        let dir = try Binary.workspace()
        try Self.survey(id: "welle-closed", closes: "2020-01-31").write(toFile: dir + "/surveys/welle-closed.yml", atomically: true, encoding: .utf8)
        try Self.survey(id: "welle-running", closes: "2099-01-31").write(toFile: dir + "/surveys/welle-running.yml", atomically: true, encoding: .utf8)
        let (first, _) = try startServe(in: dir)
        kill(first.processIdentifier, SIGTERM); first.waitUntilExit()
        let said = try Self.insert("welle-closed", into: dir, codes: ["a", "b", "c", "other"], seed: 7)
        _ = try Self.insert("welle-running", into: dir, codes: ["a", "b"], seed: 3)
        let (serve, port) = try startServe(in: dir)
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }

        let page = try curl(["http://127.0.0.1:\(port)/r/welle-closed"])
        #expect(page.status == 200)
        #expect(page.body.contains("<html lang=\"de\"") && page.body.contains("Der Kreistag berät die Ergebnisse im Mai."))
        // Computed here from what was inserted, then found in the page's tables.
        for code in ["a", "b", "c", "other"] {
            let count = said.filter { $0.1 == code }.count
            let label = code == "other" ? "Sonstiges" : code
            #expect(page.body.contains("<th scope=\"row\">\(label)</th><td>\(count)</td><td>\(Self.percent(count, said.count))\u{a0}%</td>"), "\(code): \(count)")
        }
        let mean = Double(said.map(\.2).reduce(0, +)) / Double(said.count)
        let rounded = (mean * 100).rounded(.toNearestOrAwayFromZero) / 100
        let meanText = (rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)).replacingOccurrences(of: ".", with: ",")
        #expect(page.body.contains("<dt>Mittelwert</dt><dd>\(meanText)</dd>"))
        let herzberg = said.filter { $0.0 == "Herzberg" }
        #expect(page.body.contains("<th scope=\"row\">Herzberg</th><td>12</td>"))
        #expect(page.body.contains("<th scope=\"row\">Herzberg</th><td>12</td><td>\(Self.percent(herzberg.filter { $0.1 == "a" }.count, 12))\u{a0}%</td>"))
        for withheld in ["Sonnewalde", "Uebigau"] {
            let rows = page.body.components(separatedBy: "<th scope=\"row\">\(withheld)</th>").dropFirst()
            #expect(rows.count >= 2 && rows.allSatisfy { $0.hasPrefix("<td>weniger als 5") || $0.hasPrefix("<td colspan") }, "\(withheld) withheld everywhere")
        }
        #expect(!page.body.contains("MARKER"), "no free text, no other text")
        #expect(!page.body.contains("Was wünschst du dir?"), "text questions are left out")

        // Compressed for clients that take gzip (every browser), decoded by gzip itself; the same
        // bytes as the plain page, which a client that takes no gzip (or refuses it) gets.
        let raw = dir + "/r.gz", head = dir + "/r.head"
        for (accept, compressed) in [("gzip, deflate, br", true), ("br;q=1.0, gzip;q=0.5", true), ("*", true), ("gzip;q=0", false),
                                     ("gzip;q=0, *", false), ("identity", false), ("x-gzip", true)] {
            _ = try run(["curl", "-s", "-H", "Accept-Encoding: \(accept)", "-D", head, "-o", raw, "http://127.0.0.1:\(port)/r/welle-closed"])
            let headers = try String(contentsOfFile: head, encoding: .utf8).lowercased()
            #expect(headers.contains("vary: accept-encoding"), "\(accept)")
            #expect(headers.contains("content-encoding: gzip") == compressed, "\(accept)")
            let body = compressed ? try run(["gzip", "-dc", raw]).output : try String(contentsOfFile: raw, encoding: .utf8)
            #expect(body == page.body + "\n" || body == page.body, "\(accept): the same page")
            if compressed { #expect(try FileManager.default.attributesOfItem(atPath: raw)[.size] as? Int ?? .max < page.body.utf8.count / 3) }
        }

        let english = try curl(["http://127.0.0.1:\(port)/r/welle-closed?lang=en"])
        #expect(english.body.contains("<html lang=\"en\"") && english.body.contains("The district council discusses the results in May.")
                && english.body.contains("What happens next") && english.body.contains("hreflang=\"de\""))
        #expect(try curl(["http://127.0.0.1:\(port)/r/welle-running"]).status == 404, "after_close: not before closes")
        #expect(try curl(["http://127.0.0.1:\(port)/r/nirgends"]).status == 404)
        #expect(try curl(["http://127.0.0.1:\(port)/thanks/welle-closed"]).body.contains("href=\"/r/welle-closed?lang=de\""))
        #expect(!(try curl(["http://127.0.0.1:\(port)/thanks/welle-running"]).body.contains("/r/welle-running")))

        let results = try Binary.run(["results", "welle-closed", "--format", "json"], in: dir)
        let document = try JSONSerialization.jsonObject(with: Data(results.stdout.utf8)) as? [String: Any] ?? [:]
        let wahl = (document["questions"] as? [[String: Any]])?.first { $0["id"] as? String == "wahl" }
        let counts = (wahl?["options"] as? [[String: Any]])?.map { $0["count"] as? Int ?? -1 }
        #expect(counts == ["a", "b", "c", "other"].map { code in said.filter { $0.1 == code }.count }, "the results document agrees")
    }

    @Test("--compare: both waves, percentage points from unrounded percents, a question and an option in one wave only, groups withheld in both")
    func compare() throws {
        let dir = try Binary.workspace()
        try Self.survey(id: "welle-2027", closes: "2020-01-31", options: "[a, b, c]", extra: "  - id: neu\n    type: yesno\n    text: Neu?\n")
            .write(toFile: dir + "/surveys/welle-2027.yml", atomically: true, encoding: .utf8)
        try Self.survey(id: "welle-2025", closes: "2020-01-31", options: "[a, b, d]").write(toFile: dir + "/surveys/welle-2025.yml", atomically: true, encoding: .utf8)
        let (serve, _) = try startServe(in: dir)
        kill(serve.processIdentifier, SIGTERM); serve.waitUntilExit()
        let now = try Self.insert("welle-2027", into: dir, codes: ["a", "b", "c"], seed: 11)
        var before = try Self.insert("welle-2025", into: dir, codes: ["a", "b", "d"], seed: 5)
        // In 2025 Finsterwalde had 3 responses only: withheld then, so withheld in both.
        _ = try run(["sqlite3", dir + "/data/mitreden.sqlite", "DELETE FROM responses WHERE id IN (" + (3..<9).map { "'welle-2025-Finsterwalde-\($0)'" }.joined(separator: ",") + ")"])
        before = before.enumerated().filter { index, r in r.0 != "Finsterwalde" || before[..<index].filter { $0.0 == "Finsterwalde" }.count < 3 }.map(\.1)

        let result = try Binary.run(["results", "welle-2027", "--compare", "welle-2025", "--by", "kommune", "--format", "json"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(document["survey"] as? String == "welle-2027" && document["compare"] as? String == "welle-2025")
        let questions = document["questions"] as? [[String: Any]] ?? []
        let wahl = questions.first { $0["id"] as? String == "wahl" }
        let points = (wahl?["change"] as? [String: Any])?["percent_points"] as? [String: Any] ?? [:]
        for code in ["a", "b"] {
            let p1 = Double(now.filter { $0.1 == code }.count) * 100 / Double(now.count)
            let p0 = Double(before.filter { $0.1 == code }.count) * 100 / Double(before.count)
            #expect(points[code] as? Double == ((p1 - p0) * 10).rounded(.toNearestOrAwayFromZero) / 10, "\(code)")
        }
        #expect(points["c"] is NSNull && points["d"] is NSNull, "an option of one wave only has no change")
        let m1 = Double(now.map(\.2).reduce(0, +)) / Double(now.count), m0 = Double(before.map(\.2).reduce(0, +)) / Double(before.count)
        let note = questions.first { $0["id"] as? String == "note" }
        #expect((note?["change"] as? [String: Any])?["mean"] as? Double == ((m1 - m0) * 100).rounded(.toNearestOrAwayFromZero) / 100)
        let neu = questions.first { $0["id"] as? String == "neu" }
        #expect(neu?["in"] as? String == "current" && neu?["previous"] is NSNull && neu?["change"] is NSNull)
        let groups = document["groups"] as? [[String: Any]] ?? []
        let withheld = Set(groups.filter { $0["suppressed"] as? Bool == true }.compactMap { $0["value"] as? String })
        #expect(withheld == ["Sonnewalde", "Uebigau", "Finsterwalde"], "withheld in 2027: Sonnewalde, Uebigau; in 2025 Finsterwalde (3) and Sonnewalde")
        #expect(groups.first { $0["value"] as? String == "Finsterwalde" }?["questions"] == nil)

        for format in ["text", "csv", "html"] {
            let rendered = try Binary.run(["results", "welle-2027", "--compare", "welle-2025", "--by", "kommune", "--format", format], in: dir)
            #expect(rendered.status == 0 && !rendered.stdout.contains("MARKER") && rendered.stdout.contains("Herzberg"), "\(format)")
        }
        #expect(try Binary.run(["results", "welle-2027", "--compare", "nirgends"], in: dir).status == 1)
    }
}
