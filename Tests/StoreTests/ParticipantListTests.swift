import Testing
@testable import Survey

let listSurvey = try! SurveyReader.read("""
    id: probe
    title: Probe
    languages: [de, en]
    attributes: [kommune]
    questions:
      - id: a
        type: yesno
        text: F
    """, path: "probe.yml")

func readList(_ text: String) throws -> [Participant] {
    try ParticipantList.read(Array(text.utf8), path: "teilnehmende.csv", survey: listSurvey)
}

@Suite("Participants CSV")
struct ParticipantListTests {
    @Test("columns are matched by name; other columns become attributes")
    func columns() throws {
        let list = try readList("Name;E-Mail-Nr;EMAIL;kommune;Language\nAnna;1;anna@example.de;Herzberg;EN\n")
        #expect(list.count == 1)
        #expect(list[0].email == "anna@example.de")
        #expect(list[0].name == "Anna")
        #expect(list[0].language == "en")
        #expect(list[0].attributes.map(\.0) == ["e-mail-nr", "kommune"])
    }

    @Test("every bad row is reported with its line, and nothing is returned; no message echoes a control character", arguments: [
        ("email;kommune\nanna@example;Herzberg\n", "teilnehmende.csv:2: error: 'anna@example' is not a valid email address"),
        ("email;kommune\na@b.de;Herzberg;extra\n", "teilnehmende.csv:2: error: 3 fields, but the header has 2; check for a missing or extra ';'"),
        ("email;name;kommune\na@b.de;\"Anna\nMüller\";Herzberg\n", "teilnehmende.csv:2: error: column 'name' holds a line break (U+000A); write each value on one line"),
        ("email;kommune\na@b.de;X\nA@B.de;Y\n", "teilnehmende.csv:3: error: the same email as line 2"),
        ("email;language;kommune\na@b.de;fr;X\n", "teilnehmende.csv:2: error: language 'fr' is not one of the survey's languages (de, en)"),
        ("mail;kommune\na@b.de;X\n", "teilnehmende.csv:1: error: no 'email' column (found: mail, kommune)"),
        ("email\na@b.de\n", "teilnehmende.csv:1: error: the survey's attribute 'kommune' has no column"),
        ("email;kommune\n\"a@b.de;X\n", "teilnehmende.csv:2: error: a quoted field is never closed"),
        ("email;kommune\na@b.de\r\nx@y;Z\n", "teilnehmende.csv:2: error: 1 fields, but the header has 2"),
        // A control character in any cell, the header's too: refused with its code.
        ("email;kommune\na@b.de;\"Nord\u{1B}]0;Titel\u{7}\"\n", "teilnehmende.csv:2: error: column 'kommune' holds a control character (U+001B); write each value on one line"),
        ("email;kommune\na@b.de;\u{1B}[2J\u{1B}[H\n", "teilnehmende.csv:2: error: column 'kommune' holds a control character (U+001B); write each value on one line"),
        ("email;kommune\n\"x\";\"zwei\r\nZeilen\"\na@b.de;Nord\tSüd\n", "teilnehmende.csv:4: error: column 'kommune' holds a tab (U+0009); write each value on one line"),
        ("email;kommune\na@b.de;\"Nord\rSüd\"\n", "teilnehmende.csv:2: error: column 'kommune' holds a line break (U+000D); write each value on one line"),
        ("email;kommune\na@b.de;Nord\u{2028}Süd\n", "teilnehmende.csv:2: error: column 'kommune' holds a line break (U+2028); write each value on one line"),
        ("email;kommune\na@b.de;Nord\u{7F}\n", "teilnehmende.csv:2: error: column 'kommune' holds a control character (U+007F); write each value on one line"),
        ("email;kommune\na@b.de;\u{9B}2J\n", "teilnehmende.csv:2: error: column 'kommune' holds a control character (U+009B); write each value on one line"),
        ("email;kommune\na@b.de;Nord\u{0}\n", "teilnehmende.csv:2: error: column 'kommune' holds a control character (U+0000); write each value on one line"),
        ("email;kommune\na\u{1B}[2J@b.de;Nord\n", "teilnehmende.csv:2: error: column 'email' holds a control character (U+001B); write each value on one line"),
        ("email;kommune;x\u{1B}]0;y\u{7}\na@b.de;Nord;z\n", "teilnehmende.csv:1: error: the name of column 3 holds a control character (U+001B); write each value on one line"),
        ("mail\u{1B}[2J;kommune\na@b.de;Nord\n", "teilnehmende.csv:1: error: the name of column 1 holds a control character (U+001B); write each value on one line"),
    ])
    func badRows(_ text: String, _ expected: String) {
        do {
            let list = try readList(text)
            Issue.record("accepted: \(list)")
        } catch let error as ParticipantListErrors {
            #expect(error.errors.contains { $0.description.hasPrefix(expected) }, "\(error.description.debugDescription)")
            #expect(!error.errors.contains { $0.description.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 } },
                    "a message echoes a control character: \(error.description.debugDescription)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("spaces and tabs around a value are trimmed, not refused")
    func trimmedTabs() throws {
        let list = try readList("email;kommune\n\t a@b.de\t;\tHerzberg \n")
        #expect(list.first?.email == "a@b.de" && list.first?.attributes.first?.1 == "Herzberg")
    }

    @Test("a message quoting input shows control characters as \\u{…}")
    func escaping() {
        #expect("Nord\u{1B}]0;x\u{7}\r\n\u{9B}".escapingControlCharacters == "Nord\\u{1B}]0;x\\u{7}\\u{D}\\u{A}\\u{9B}")
        #expect("Herzberg (Elster) – Süd".escapingControlCharacters == "Herzberg (Elster) – Süd")
    }

    @Test("all problems are listed at once")
    func allProblems() {
        #expect(throws: ParticipantListErrors.self) { try readList("email;kommune\nx;A\ny;B\nok@ok.de;C\n") }
        do { _ = try readList("email;kommune\nx;A\ny;B\nok@ok.de;C\n") } catch let e as ParticipantListErrors {
            #expect(e.errors.map(\.line) == [2, 3])
        } catch {}
    }

    @Test("email addresses", arguments: [
        ("anna.mueller@lkee.de", true), ("a+tag@sub.example.org", true), ("info@müller-bau.de", true),
        ("a@b", false), ("a@@b.de", false), (".a@b.de", false), ("a..b@c.de", false), ("a b@c.de", false),
        ("a@b.de\r\nBcc: x@y.de", false), ("a@-b.de", false), ("a@b.d", false), ("", false),
    ])
    func emails(_ address: String, _ valid: Bool) {
        #expect(EmailAddress.isValid(address) == valid)
    }
}
