import Foundation
import SQLite
import Testing
@testable import Store
@testable import Survey

@Suite("Participants reached by letter: postal addresses in the CSV")
struct PostalAddressTests {
    @Test("a row without email but with street, postcode and city is a letter; the address is no attribute")
    func letterRows() throws {
        let list = try readList("""
            email;name;street;postcode;city;kommune
            ;Erika Mustermann;Hauptstraße 5;04916;Herzberg (Elster);Herzberg
            anna@example.de;Anna;;;;Herzberg
            bo@example.de;Bo;Am Markt 1;03238;Finsterwalde;Finsterwalde

            """)
        #expect(list.count == 3)
        #expect(list[0].email == nil && list[0].address == PostalAddress(street: "Hauptstraße 5", postcode: "04916", city: "Herzberg (Elster)"))
        #expect(list[0].attributes.map(\.0) == ["kommune"])
        #expect(list[1].email == "anna@example.de" && list[1].address == nil)
        #expect(list[2].email == "bo@example.de" && list[2].address?.city == "Finsterwalde", "an address beside an email is kept")
        #expect(list[0].matchKey == "postal:erika mustermann|hauptstraße 5|04916|herzberg (elster)")
    }

    @Test("rows that reach nobody, half addresses and the same letter twice are errors with their line", arguments: [
        ("email;name;kommune\n;Erika;Herzberg\n", "teilnehmende.csv:2: error: the email is empty; give an email, or a postal address (columns street, postcode, city) for a letter"),
        ("email;name;street;postcode;city;kommune\n;Erika;Hauptstraße 5;;Herzberg;H\n", "teilnehmende.csv:2: error: the postal address is incomplete; give street, postcode and city, or none of them"),
        ("email;name;street;city;kommune\n;Erika;Hauptstraße 5;Herzberg;H\n", "teilnehmende.csv:1: error: a postal address needs the three columns street, postcode and city; add the missing ones"),
        ("email;name;street;postcode;city;kommune\n;Erika;Hauptstraße 5;04916;Herzberg;H\n;ERIKA;Hauptstraße  5;04916;herzberg;H\n", "teilnehmende.csv:3: error: the same name and address as line 2; list each person once"),
    ])
    func errors(_ text: String, _ message: String) {
        #expect { try readList(text) } throws: { ($0 as? ParticipantListErrors)?.errors.map(\.description).contains(message) == true }
    }

    @Test("a letter recipient imported again is updated, keeping link and code; each gets a code, none an email")
    func reimport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mitreden-postal-\(UUID().uuidString)").path
        let database = try Database(directory: dir)
        let csv = "email;name;street;postcode;city;kommune\n;Erika Mustermann;Hauptstraße 5;04916;Herzberg;Herzberg\nanna@example.de;Anna;;;;Herzberg\n"
        let first = try database.importParticipants(try readList(csv), into: listSurvey)
        #expect(first == ImportSummary(created: 2, updated: 0))
        let before = try database.connection.rows("SELECT token, code, email, street FROM participants ORDER BY id")
        let again = try database.importParticipants(try readList(csv.replacingOccurrences(of: ";Herzberg\nanna", with: ";Falkenberg\nanna")), into: listSurvey)
        #expect(again == ImportSummary(created: 0, updated: 2))
        let after = try database.connection.rows("SELECT token, code, email, street, attributes FROM participants ORDER BY id")
        #expect(after.map { $0.text("token") } == before.map { $0.text("token") } && after.map { $0.text("code") } == before.map { $0.text("code") })
        #expect(after[0].text("email") == nil && after[0].text("street") == "Hauptstraße 5" && after[0].text("attributes")?.contains("Falkenberg") == true)
        #expect(after.allSatisfy { $0.text("code").map { AccessCode.normalize($0) == $0 } == true })
    }
}

@Suite("Participants CSV at scale")
struct ParticipantListScaleTests {
    @Test("a file with thousands of bad rows lists the first thousand errors and counts the rest")
    func manyErrors() {
        let text = "email;kommune\n" + (0..<1500).map { "kein-at-\($0);H\n" }.joined()
        #expect { try readList(text) } throws: { error in
            guard let errors = (error as? ParticipantListErrors)?.errors else { return false }
            return errors.count == 1001 && errors[999].line == 1001 && errors.last!.message == "and 500 more errors after these"
        }
    }

    @Test("the streamed import into the database is all or nothing: a bad row late in the file leaves nothing")
    func streamedAllOrNothing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mitreden-stream-\(UUID().uuidString)").path
        let database = try Database(directory: dir)
        let good = "email;kommune\n" + (0..<3000).map { "p\($0)@x.de;H\n" }.joined()
        let bad = good + "p17@X.DE;H\n"
        #expect { try importCSV(bad, into: database) } throws: { ($0 as? ParticipantListErrors)?.errors.map(\.description) == ["teilnehmende.csv:3002: error: the same email as line 19; list each person once"] }
        #expect(try database.connection.rows("SELECT count(*) AS n FROM participants").first?.int("n") == 0)
        #expect(try importCSV(good, into: database) == ImportSummary(created: 3000, updated: 0))
        #expect(try importCSV(good, into: database) == ImportSummary(created: 0, updated: 3000))
    }

    func importCSV(_ text: String, into database: Database) throws -> ImportSummary {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            try database.importParticipants(into: listSurvey) { add, firstLine in
                try ParticipantList.scan(buffer, path: "teilnehmende.csv", survey: listSurvey, firstLine: firstLine, each: add)
            }
        }
    }
}
