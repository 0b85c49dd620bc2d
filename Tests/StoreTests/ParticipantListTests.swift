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

    @Test("every bad row is reported with its line, and nothing is returned", arguments: [
        ("email;kommune\nanna@example;Herzberg\n", "teilnehmende.csv:2: error: 'anna@example' is not a valid email address"),
        ("email;kommune\na@b.de;Herzberg;extra\n", "teilnehmende.csv:2: error: 3 fields, but the header has 2; check for a missing or extra ';'"),
        ("email;name;kommune\na@b.de;\"Anna\nMüller\";Herzberg\n", "teilnehmende.csv:2: error: the name has a line break"),
        ("email;kommune\na@b.de;X\nA@B.de;Y\n", "teilnehmende.csv:3: error: the same email as line 2"),
        ("email;language;kommune\na@b.de;fr;X\n", "teilnehmende.csv:2: error: language 'fr' is not one of the survey's languages (de, en)"),
        ("mail;kommune\na@b.de;X\n", "teilnehmende.csv:1: error: no 'email' column (found: mail, kommune)"),
        ("email\na@b.de\n", "teilnehmende.csv:1: error: the survey's attribute 'kommune' has no column"),
        ("email;kommune\n\"a@b.de;X\n", "teilnehmende.csv:2: error: a quoted field is never closed"),
        ("email;kommune\na@b.de\r\nx@y;Z\n", "teilnehmende.csv:2: error: 1 fields, but the header has 2"),
    ])
    func badRows(_ text: String, _ expected: String) {
        do {
            let list = try readList(text)
            Issue.record("accepted: \(list)")
        } catch let error as ParticipantListErrors {
            #expect(error.errors.contains { $0.description.hasPrefix(expected) }, "\(error)")
        } catch {
            Issue.record("\(error)")
        }
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
