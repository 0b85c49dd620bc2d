import Foundation
import Testing

@Suite("participants import and list (the real binary, a real SQLite file)")
struct ParticipantsCommandTests {
    @Test("imports a semicolon CSV with BOM and quoted separators and quotes; re-import updates, never duplicates")
    func importAndReimport() throws {
        let dir = try Binary.workspace()
        let csv = "\u{FEFF}email;name;kommune;altersgruppe;notiz\r\nanna@example.de;Anna Müller;Herzberg (Elster);15-17;\"zwei; \"\"Teile\"\"\"\r\nbo@example.de;;Falkenberg;12-14;\r\n"
        try csv.write(toFile: dir + "/liste.csv", atomically: true, encoding: .utf8)
        let first = try Binary.run(["participants", "import", "jugendcheck-2027", "liste.csv"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "imported 2 participants into jugendcheck-2027: 2 new, 0 updated\n")
        try "email,name,kommune,altersgruppe\nANNA@example.de,Anna M.,Herzberg (Elster),18-21\n".write(toFile: dir + "/nachtrag.csv", atomically: true, encoding: .utf8)
        let second = try Binary.run(["participants", "import", "jugendcheck-2027", "nachtrag.csv"], in: dir)
        #expect(second.stdout == "imported 1 participant into jugendcheck-2027: 0 new, 1 updated\n")
        let list = try Binary.run(["participants", "list", "jugendcheck-2027"], in: dir)
        #expect(list.status == 0)
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("ANNA@example.de  Anna M."))
        #expect(lines[1].contains("\"altersgruppe\":\"18-21\"") && lines[1].hasSuffix("imported"))
        #expect(FileManager.default.fileExists(atPath: dir + "/data/mitreden.sqlite"))
    }

    @Test("a file with one bad row imports nothing and names each bad line")
    func allOrNothing() throws {
        let dir = try Binary.workspace()
        var csv = "email;name;kommune;altersgruppe\n"
        for i in 1...50 { csv += "person\(i)@example.de;P \(i);Herzberg;15-17\n" }
        csv += "kaputt-at-example.de;X;Herzberg;15-17\n"
        try csv.write(toFile: dir + "/liste.csv", atomically: true, encoding: .utf8)
        let result = try Binary.run(["participants", "import", "jugendcheck-2027", "liste.csv"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("liste.csv:52: error: 'kaputt-at-example.de' is not a valid email address"))
        #expect(result.stderr.contains("nothing was imported"))
        let list = try Binary.run(["participants", "list", "jugendcheck-2027"], in: dir)
        #expect(list.stdout.contains("has no participants yet"))
    }

    @Test("control characters in a cell are refused at import and never echoed; status shows stored ones escaped")
    func controlCharacters() throws {
        let dir = try Binary.workspace()
        let csv = "email;name;kommune;altersgruppe\n"
            + "anna@example.de;Anna;\"Herzberg\u{1B}]0;gehackt\u{7}\u{1B}[2J\";15-17\n"
            + "bo@example.de;Bo;\"Falken\r\nberg\";12-14\n"
            + "c\u{1B}[2J@example.de;C;Herzberg;12-14\n"
        try csv.write(toFile: dir + "/liste.csv", atomically: true, encoding: .utf8)
        let result = try Binary.run(["participants", "import", "jugendcheck-2027", "liste.csv"], in: dir)
        #expect(result.status == 1)
        for expected in ["liste.csv:2: error: column 'kommune' holds a control character (U+001B)", "liste.csv:3: error: column 'kommune' holds a line break (U+000D)",
                         "liste.csv:5: error: column 'email' holds a control character (U+001B)"] {
            #expect(result.stderr.contains(expected), "\(result.stderr.debugDescription)")
        }
        #expect(!result.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) }, "\(result.stderr.debugDescription)")
        #expect(try Binary.run(["participants", "list", "jugendcheck-2027"], in: dir).stdout.contains("has no participants yet"))

        // A value stored before the import refused them (here set directly) is shown escaped.
        try "email;kommune;altersgruppe\nanna@example.de;Herzberg;15-17\n".write(toFile: dir + "/ok.csv", atomically: true, encoding: .utf8)
        #expect(try Binary.run(["participants", "import", "jugendcheck-2027", "ok.csv"], in: dir).status == 0)
        _ = try run(["sqlite3", dir + "/data/mitreden.sqlite",
                     "UPDATE participants SET attributes = json_set(attributes, '$.kommune', 'Nord' || char(27) || ']0;x' || char(7) || char(13) || char(10) || 'Süd')"])
        let status = try Binary.run(["status", "jugendcheck-2027", "--by", "kommune"], in: dir)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("Nord\\u{1B}]0;x\\u{7}\\u{D}\\u{A}Süd"), "\(status.stdout.debugDescription)")
        #expect(!status.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(status.stdout.debugDescription)")
    }

    @Test("unknown and open surveys are input errors that say what to do")
    func wrongSurvey() throws {
        let dir = try Binary.workspace()
        try "email\na@b.de\n".write(toFile: dir + "/l.csv", atomically: true, encoding: .utf8)
        let unknown = try Binary.run(["participants", "import", "jugendcheck", "l.csv"], in: dir)
        #expect(unknown.status == 1 && unknown.stderr.contains("no survey 'jugendcheck' in surveys (surveys: "))
        try "id: kaputt\n\ttitle: x\n".write(toFile: dir + "/surveys/andere.yml", atomically: true, encoding: .utf8)
        let hinted = try Binary.run(["participants", "import", "kaputt", "l.csv"], in: dir)
        #expect(hinted.status == 1 && hinted.stderr.contains("note: 1 survey file has errors and was left out (surveys/andere.yml); run 'mitreden check'"), "\(hinted.stderr)")
        let open = try Binary.run(["participants", "import", "familienfreundlichkeit-herzberg", "l.csv"], in: dir)
        #expect(open.status == 1 && open.stderr.contains("is an open survey"))
    }
}
