import Foundation
import Testing
@testable import Results
import Store
import Survey

@Suite("Answers typed in from paper")
struct PaperResponsesTests {
    let columns = Export(survey: youthSurvey, language: "de").dataEntryColumns

    /// A file with the template's header and one row per dictionary (column → cell).
    func file(_ rows: [[String: String]], separator: String = ";") -> [UInt8] {
        var text = "\u{FEFF}" + columns.joined(separator: separator) + "\r\n"
        for row in rows {
            text += columns.map { "\"" + (row[$0] ?? "").replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: separator) + "\r\n"
        }
        return Array(text.utf8)
    }

    func code(_ n: Int) -> String {
        // Codes the reader accepts: eleven characters and their check character.
        let body = Array("23456789ABC".utf8.map { $0 }).shuffledDeterministically(n)
        var code = String(decoding: body, as: UTF8.self)
        for c in AccessCode.alphabet {
            let candidate = code + String(UnicodeScalar(c))
            if AccessCode.normalize(candidate) != nil { code = candidate; break }
        }
        return code
    }

    let complete: [String: String] = ["alter": "15-17", "themen.oepnv": "1", "themen.freizeit": "0", "themen.other": "1",
                                      "themen.other_text": "Kino", "zufriedenheit": "2", "vermisst": "Ein Kino",
                                      "aussagen.mitreden": "4", "engagiert": "yes", "stunden": "3", "wunsch": "mehr Busse",
                                      "vorschlaege.wlan": "1", "vorschlaege.skatepark": "3", "vorschlaege.jugendtreff": "2"]

    @Test("the template is the export's header with the code first (invite surveys only)")
    func template() {
        let export = Export(survey: youthSurvey, language: "de")
        #expect(export.dataEntryColumns == ["code"] + export.columns)
        var open = youthSurvey
        open.access = .open
        #expect(Export(survey: open, language: "de").dataEntryColumns == Export(survey: open, language: "de").columns)
        #expect(export.dataEntryTemplate(separator: ";") == "\u{FEFF}" + export.dataEntryColumns.joined(separator: ";") + "\r\n")
    }

    @Test("a row becomes the web form's answers: multi 0/1, the other text, a matrix row, places in order, a decimal comma")
    func converted() throws {
        var row = complete
        row["code"] = code(1).lowercased()
        row["wunsch"] = "mehr\nBusse"
        let paper = PaperResponses(file([row]), survey: youthSurvey)
        #expect(paper.errors.isEmpty, "\(paper.errors)")
        let answers = try #require(paper.rows.first?.answers)
        #expect(answers.answers["themen"] == .choices(["oepnv", "other"]) && answers.otherTexts["themen"] == "Kino")
        #expect(answers.answers["aussagen"] == .rows(["mitreden": "4"]) && answers.answers["stunden"] == .number(3))
        #expect(answers.answers["vorschlaege"] == .order(["wlan", "jugendtreff", "skatepark"]))
        #expect(answers.answers["wunsch"] == .text("mehr\nBusse"))
        #expect(paper.rows.first?.code == code(1), "case, spaces and dashes do not matter")
        // The same answers as the form gives them.
        let form = youthSurvey.checkForm([("alter", "15-17"), ("themen", "oepnv"), ("themen", "other"), ("themen.other", "Kino"),
                                          ("zufriedenheit", "2"), ("vermisst", "Ein Kino"), ("aussagen.mitreden", "4"), ("engagiert", "yes"),
                                          ("stunden", "3"), ("wunsch", "mehr\nBusse"), ("vorschlaege.1", "wlan"), ("vorschlaege.2", "jugendtreff"),
                                          ("vorschlaege.3", "skatepark")], language: "en")
        #expect(answers.json(in: youthSurvey) == form.json(in: youthSurvey))
    }

    @Test("every bad cell is reported with its line and column, and no row is kept", arguments: [
        ("alter", "99", "alter", "Please choose one of the answers. (codes: 12-14, 15-17, 18-21, 22-27)"),
        ("stunden", "200", "stunden", "Please enter at most 80."),
        ("themen.oepnv", "x", "themen.oepnv", "'x' is not 0 or 1"),
        ("alter", "", "alter", "Please answer this question."),
        ("vorschlaege.wlan", "5", "vorschlaege.wlan", "'5' is no place; write the number written in the box, 1 to 3"),
        ("vorschlaege.wlan", "2", "vorschlaege.wlan", "place 2 is also given in column 'vorschlaege.jugendtreff'"),
        ("aussagen.gehoert", "Stimme zu", "aussagen.*", "Please choose one of the answers in each row. (codes: 1, 2, 3, 4, 5)"),
        ("themen.freizeit", "1", "themen.*", "Please choose at most 2."),
        ("engagiert", "Ja", "engagiert", "(codes: yes, no)"),
        ("response", "abc", "response", "leave it empty"),
        ("code", "", "code", "is empty"),
    ])
    func badCell(_ column: String, _ value: String, _ reported: String, _ message: String) {
        var row = complete
        row["code"] = code(2)
        row[column] = value
        let paper = PaperResponses(file([complete.merging(["code": code(3)]) { $1 }, row]), survey: youthSurvey)
        #expect(paper.rows.count == 1 && paper.errors.count == 1, "\(paper.errors)")
        let error = paper.errors.first
        #expect(error?.line == 3 && error?.column == reported && error?.message.contains(message) == true, "\(paper.errors)")
        #expect(error?.description(path: "f.csv").hasPrefix("f.csv:3: error: column '\(reported)': ") == true)
    }

    @Test("codes: a typo and a code given twice are row errors; an empty row is skipped")
    func codes() {
        var typo = Array(code(4))
        typo[2] = typo[2] == "A" ? "B" : "A"
        let paper = PaperResponses(file([complete.merging(["code": String(typo)]) { $1 }, complete.merging(["code": code(5)]) { $1 },
                                         [:], complete.merging(["code": code(5)]) { $1 }]), survey: youthSurvey)
        #expect(paper.errors.map(\.line) == [2, 5] && paper.errors.allSatisfy { $0.column == "code" } && paper.emptyRows == 1, "\(paper.errors)")
        #expect(paper.errors[0].message.contains("has a typo") && paper.errors[1].message.contains("also in line 3"))
    }

    @Test("the header must fit the survey: unknown and doubled columns, no code column", arguments: [
        ("code;alter;alter\n", "appears twice"),
        ("code;alter;age\n", "column 'age': is not a column of jugendcheck-2027"),
        ("alter\n", "no 'code' column"),
    ])
    func header(_ text: String, _ message: String) {
        let paper = PaperResponses(Array(text.utf8), survey: youthSurvey)
        #expect(paper.errors.contains { $0.line == 1 && $0.description(path: "f").contains(message) }, "\(paper.errors)")
    }

    @Test("columns without a name, as spreadsheets add them after the last one, must stay empty")
    func unnamedColumns() {
        let code = code(6)
        let empty = PaperResponses(Array("code;alter;;\n\(code);12-14;;\n".utf8), survey: youthSurvey)
        #expect(empty.errors.isEmpty && empty.rows.count == 1, "\(empty.errors)")
        let filled = PaperResponses(Array("code;alter;\n\(code);12-14;x\n".utf8), survey: youthSurvey)
        #expect(filled.errors.map { $0.description(path: "f") } == ["f:2: error: column 3 has no name but holds 'x'; name it in the first row or empty it"])
    }

    @Test("open surveys: attribute columns give the response its attributes; a code column is refused")
    func open() {
        var open = youthSurvey
        open.access = .open
        let header = Export(survey: open, language: "de").dataEntryColumns
        let text = header.joined(separator: ",") + "\n" + header.map { ["alter": "12-14", "kommune": "Herzberg"][$0] ?? "" }.joined(separator: ",") + "\n"
        let paper = PaperResponses(Array(text.utf8), survey: open)
        #expect(paper.errors.isEmpty && paper.rows.first?.attributes.map(\.1) == ["Herzberg"], "\(paper.errors)")
        let coded = PaperResponses(Array("code,alter\nX,12-14\n".utf8), survey: open)
        #expect(coded.errors.first?.message.contains("open survey and has no access codes") == true)
    }
}

extension Array {
    /// A fixed rotation by `n`, so each test code differs.
    func shuffledDeterministically(_ n: Int) -> [Element] {
        Array(self[(n % count)...] + self[..<(n % count)])
    }
}
