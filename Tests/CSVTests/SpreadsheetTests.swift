import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import CSV

/// Our CSV opened in LibreOffice Calc (headless `soffice`, installed by `scripts/setup --test`):
/// which cells it evaluates as formulas, found by trying, not assumed.
@Suite("CSV files opened in LibreOffice Calc", .serialized)
struct SpreadsheetTests {
    /// Text that a spreadsheet could take for a formula, each in its plain form and with what
    /// may stand before the sign.
    static let hostile = [
        "=1+1", "+1+1", "-1+1", "@SUM(1)", "=1+1 ", " =1+1", "   =1+1", "\t=1+1", "\r=1+1", "\n=1+1", "\t =1+1", " +1+1", " -1+1", " @SUM(1)",
        "\u{0}=1+1", "\u{0}\u{0}=1+1", " \u{0}=1+1", "\u{0} =1+1", "\u{1}=1+1", "\u{1B}=1+1", "\u{7F}=1+1", "\u{85}=1+1", "\u{A0}=1+1",
        "\u{3000}=1+1", "\u{200B}=1+1", "\u{FEFF}=1+1", "\u{2028}=1+1",
        "＝1+1", "＋1+1", "－1+1", "＠SUM(1)", " ＝1+1",
        "=HYPERLINK(\"http://evil.example\";\"Klick\")", "=HYPERLINK(\"http://evil.example\",\"Klick\")", "+49 30 1234", "-2+3", "-", "=",
        "-inf", "+nan", "-0x1p3",
    ]
    /// Numbers, which must stay numbers.
    static let numbers: [(String, Double)] = [("-5", -5), ("+5", 5), ("1.5", 1.5), ("-1.5e3", -1500), ("42", 42), ("0", 0)]

    @Test("no cell we write is evaluated, however Calc is told to read it; every form it evaluates unescaped is one we escape; numbers stay numbers")
    func noFormulaEvaluated() throws {
        let soffice = try #require(["/usr/bin/soffice", "/usr/local/bin/soffice"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                   "LibreOffice Calc is missing; run scripts/setup --test")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mitreden-calc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        // One row per case: its number, the cell as CSVWriter writes it, and the same text written
        // without the formula escape (only quoted), which shows what Calc would have done to it.
        let cases = Self.hostile + Self.numbers.map(\.0)
        var file = "\u{FEFF}"
        for (i, cell) in cases.enumerated() {
            let raw = cell.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
                ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
            file += "\(i)," + CSVWriter.escape(cell, separator: ",") + "," + raw + "\r\n"
        }
        try Data(file.utf8).write(to: URL(fileURLWithPath: dir + "/cells.csv"))

        // The CSV import options (LibreOffice's "CSV Filter Options" tokens): comma, double
        // quote, UTF-8, from line 1, standard column types, default language, quoted fields not
        // forced to text, detect special numbers, -, -, trim spaces, -, evaluate formulas. Every
        // option that makes Calc evaluate more is on: with the defaults it evaluates a subset.
        let options = "44,34,76,1,,0,false,true,false,false,true,-1,true"
        let convert = Process()
        convert.executableURL = URL(fileURLWithPath: soffice)
        convert.arguments = ["-env:UserInstallation=file://\(dir)/profile", "--headless", "--norestore", "--infilter=CSV:\(options)",
                             "--convert-to", "fods", "--outdir", dir, dir + "/cells.csv"]
        convert.environment = ["HOME": dir, "PATH": "/usr/bin:/bin"]
        convert.standardOutput = FileHandle.nullDevice
        convert.standardError = FileHandle.nullDevice
        try convert.run()
        convert.waitUntilExit()
        let sheet = try #require(try? Data(contentsOf: URL(fileURLWithPath: dir + "/cells.fods")), "soffice wrote no cells.fods (status \(convert.terminationStatus))")
        let rows = try Self.cells(of: XMLDocument(data: sheet))
        try #require(rows.count == cases.count, "\(rows.count) rows read back for \(cases.count) written")

        var evaluatedRaw: [String] = []
        for (i, cell) in cases.enumerated() {
            let (escaped, raw) = (rows[i][1], rows[i][2])
            #expect(escaped.formula == nil, "written \(cell.debugDescription) was evaluated: \(escaped.formula ?? "")")
            if let number = Self.numbers.first(where: { $0.0 == cell })?.1 {
                #expect(escaped.type == "float" && escaped.value == number, "\(cell) is no longer the number \(number): \(escaped)")
            } else {
                #expect(escaped.type == "string", "\(cell.debugDescription) is not text: \(escaped)")
                #expect(Self.visible(escaped.text) == Self.visible("'" + cell), "\(cell.debugDescription) reads \(escaped.text.debugDescription)")
            }
            if raw.formula != nil {
                evaluatedRaw.append(cell)
                let written = CSVWriter.escape(cell, separator: ",")
                #expect(written.hasPrefix("'") || written.hasPrefix("\"'"), "Calc evaluates \(cell.debugDescription), and the writer does not escape it")
            }
        }
        // What Calc 7.4 was found to evaluate: '=' first, after NUL characters and (trimmed) spaces.
        #expect(Set(evaluatedRaw).isSuperset(of: ["=1+1", " =1+1", "\u{0}=1+1", " \u{0}=1+1", "=HYPERLINK(\"http://evil.example\";\"Klick\")"]),
                "the conversion evaluates formulas at all: \(evaluatedRaw.map(\.debugDescription))")
    }

    struct Cell: CustomStringConvertible {
        var type: String?
        var formula: String?
        var value: Double?
        var text: String
        var description: String { "type \(type ?? "-"), formula \(formula ?? "-"), value \(value.map { "\($0)" } ?? "-"), text \(text.debugDescription)" }
    }

    /// The cells of each row of a flat OpenDocument spreadsheet (repeated cells written out).
    static func cells(of document: XMLDocument) throws -> [[Cell]] {
        var rows: [[Cell]] = []
        func walk(_ node: XMLNode) {
            guard let element = node as? XMLElement else { return }
            if element.name == "table:table-row" {
                var row: [Cell] = []
                for case let cell as XMLElement in element.children ?? [] where cell.name == "table:table-cell" {
                    let repeated = Int(cell.attribute(forName: "table:number-columns-repeated")?.stringValue ?? "1") ?? 1
                    let parsed = Cell(type: cell.attribute(forName: "office:value-type")?.stringValue, formula: cell.attribute(forName: "table:formula")?.stringValue,
                                      value: cell.attribute(forName: "office:value")?.stringValue.flatMap(Double.init), text: text(of: cell))
                    row += Array(repeating: parsed, count: min(repeated, 3))
                }
                if row.count >= 3 { rows.append(row) }
                return
            }
            for child in element.children ?? [] { walk(child) }
        }
        if let root = document.rootElement() { walk(root) }
        return rows
    }

    /// A cell's text: its paragraphs' characters, spaces and tabs.
    static func text(of node: XMLNode) -> String {
        if node.kind == .text { return node.stringValue ?? "" }
        switch node.name {
        case "text:s": return String(repeating: " ", count: Int((node as? XMLElement)?.attribute(forName: "text:c")?.stringValue ?? "1") ?? 1)
        case "text:tab": return "\t"
        case "text:line-break": return "\n"
        default: return (node.children ?? []).map(text(of:)).joined()
        }
    }

    /// The text without anything Calc may drop or change when reading it (NUL characters, spaces
    /// it trims, line breaks it turns into paragraphs): only the visible characters are compared.
    static func visible(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
            !(scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.properties.generalCategory == .format)
        }))
    }
}
