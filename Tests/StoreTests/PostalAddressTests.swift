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
