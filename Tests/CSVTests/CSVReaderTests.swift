import Testing
@testable import CSV

@Suite("CSV reader (RFC 4180)")
struct CSVReaderTests {
    func read(_ text: String) throws -> CSVTable { try CSVReader.read(Array(text.utf8)) }

    @Test("semicolons as German spreadsheets write them, with a BOM")
    func semicolonsAndBOM() throws {
        let table = try CSVReader.read([0xEF, 0xBB, 0xBF] + Array("email;name;kommune\r\na@b.de;Anna Müller;Herzberg\r\n".utf8))
        #expect(table.separator == ";")
        #expect(table.header == ["email", "name", "kommune"])
        #expect(table.records.map(\.fields) == [["a@b.de", "Anna Müller", "Herzberg"]])
        #expect(table.records[0].line == 2)
    }

    @Test("commas, quoted separators, doubled quotes and line breaks inside quotes")
    func quoting() throws {
        let table = try read("email,name,notiz\na@b.de,\"Müller, Anna\",\"sagt \"\"hallo\"\"\nzweite Zeile\"\nc@d.de,Bo,x\n")
        #expect(table.separator == ",")
        #expect(table.records.map(\.fields) == [["a@b.de", "Müller, Anna", "sagt \"hallo\"\nzweite Zeile"], ["c@d.de", "Bo", "x"]])
        #expect(table.records.map(\.line) == [2, 4], "a record's line is where it starts, counting breaks inside quotes")
    }

    @Test("empty lines are skipped, a missing final line break is fine, empty fields stay")
    func emptyLines() throws {
        let table = try read("email;name\n\na@b.de;\n\nc@d.de;C")
        #expect(table.records.map(\.fields) == [["a@b.de", ""], ["c@d.de", "C"]])
        #expect(table.records.map(\.line) == [3, 5])
    }

    @Test("malformed quoting is reported with its line", arguments: [
        ("email\n\"a@b.de\n", 2, "never closed"),
        ("email;name\na@b.de;\"An\"na\n", 2, "text after a closing quote"),
        ("email;name\na@b.de;An\"na\n", 2, "inside an unquoted field"),
        ("", 1, "empty"),
    ])
    func malformed(_ text: String, _ line: Int, _ message: String) {
        #expect {
            try read(text)
        } throws: { error in
            guard let error = error as? CSVError else { return false }
            return error.line == line && error.message.contains(message)
        }
    }

    @Test("invalid UTF-8 (a Latin-1 export) says how to save the file")
    func latin1() {
        #expect {
            try CSVReader.read(Array("email;name\na@b.de;M".utf8) + [0xFC] + Array("ller\n".utf8))
        } throws: { ($0 as? CSVError)?.message.contains("CSV UTF-8") == true && ($0 as? CSVError)?.line == 2 }
    }
}

@Suite("CSV writer")
struct CSVWriterTests {
    @Test("BOM, CRLF, quoting only where needed, read back by our reader")
    func roundTrip() throws {
        var writer = CSVWriter(separator: ";")
        writer.row(["frage", "antwort"])
        writer.row(["wunsch", "Mehr \"Busse\"; öfter\nauch abends"])
        writer.row(["zahl", "-3"])
        #expect(writer.text.hasPrefix("\u{FEFF}frage;antwort\r\n"))
        let table = try CSVReader.read(Array(writer.text.utf8))
        #expect(table.separator == ";")
        #expect(table.records.map(\.fields) == [["wunsch", "Mehr \"Busse\"; öfter\nauch abends"], ["zahl", "-3"]])
    }

    @Test("text a spreadsheet would run as a formula stays text; numbers stay numbers",
          arguments: [("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""), ("+49 30 1234", "'+49 30 1234"),
                      ("-1.5", "-1.5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("a=b", "a=b"), ("", ""),
                      (" =1+1", "' =1+1"), ("\u{0}=1+1", "'\u{0}=1+1"), ("\u{A0}\u{3000}@A1", "'\u{A0}\u{3000}@A1"), ("＝1+1", "'＝1+1"),
                      ("＋1", "'＋1"), ("－1", "'－1"), ("＠A1", "'＠A1"), ("\r\n=1+1", "\"'\r\n=1+1\""), ("-5", "-5"), ("+5", "+5"),
                      ("1e3", "1e3"), ("-1.5e-3", "-1.5e-3"), (" 5", " 5"), ("-inf", "'-inf"), ("-nan", "'-nan"), ("-0x1p3", "'-0x1p3"), ("-", "'-")])
    func formulas(input: String, written: String) {
        #expect(CSVWriter.escape(input, separator: ",") == written)
    }
}
