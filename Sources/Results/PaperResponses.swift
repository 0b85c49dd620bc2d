import CSV
import Store
import Survey

/// A problem in a file of answers typed in from paper: `FILE:LINE: error: column 'ID': message`.
public struct PaperResponseError: Sendable, Equatable {
    public var line: Int
    /// The column of the cell (for a question with several columns, `ID.*`); nil for the row.
    public var column: String?
    public var message: String

    public init(line: Int, column: String?, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public func description(path: String) -> String {
        "\(path):\(line): error: " + (column.map { "column '\($0.escapingControlCharacters)': " } ?? "") + message
    }
}

/// Answers typed in from paper questionnaires (RFC 4180 CSV, `,` or `;`, UTF-8 with or without
/// BOM) in the columns of the data-entry template (`Export.dataEntryColumns`: the export's
/// columns, and `code` first for invite surveys).
///
/// Each row becomes the fields a web form would send (`ID`, repeated `ID` for multi, `ID.ROW`,
/// `ID.other`, `ID.1`, `ID.2`… for rankings) and is checked by `Survey.checkForm`, the one
/// place that decides what a valid answer is; only the file's own shape (0/1 cells, place
/// numbers, columns that must stay empty) is checked here. Empty cells are not answered; a row
/// whose every cell is empty is skipped (spreadsheets write such rows at the end).
public struct PaperResponses {
    /// One questionnaire that passed every check.
    public struct Row: Sendable {
        public var line: Int
        /// The access code, normalized (invite surveys).
        public var code: String?
        /// The attribute cells that hold a value, in the survey's order.
        public var attributes: [(String, String)]
        public var answers: CheckedAnswers
    }

    public var rows: [Row] = []
    public var errors: [PaperResponseError] = []
    /// Rows whose every cell was empty.
    public var emptyRows = 0

    /// Reads and checks `bytes`; every problem is collected (`errors`), none stops the reading.
    public init(_ bytes: [UInt8], survey: Survey) {
        let table: CSVTable
        do {
            table = try CSVReader.read(bytes)
        } catch let error as CSVError {
            errors = [PaperResponseError(line: error.line, column: nil, message: error.message)]
            return
        } catch {
            errors = [PaperResponseError(line: 1, column: nil, message: "\(error)")]
            return
        }
        let export = Export(survey: survey, language: survey.defaultLanguage)
        guard let columns = header(table.header, survey: survey, export: export) else { return }
        var codeLines: [String: Int] = [:]
        rows.reserveCapacity(table.records.count)
        for record in table.records {
            guard record.fields.count == columns.count else {
                fail(record.line, nil, "\(record.fields.count) fields, but the header has \(columns.count); check for a missing or extra '\(table.separator)'")
                continue
            }
            if record.fields.allSatisfy({ $0.trimmingSpaces().isEmpty }) {
                emptyRows += 1
                continue
            }
            read(record, columns, survey: survey, codeLines: &codeLines)
        }
    }

    /// What a column of the file holds.
    enum Column {
        case code, response, submitted, attribute(String)
        /// A cell of the question at this index.
        case answer(Int, Export.Cell)
        /// A column without a name (spreadsheets add them after the last one): must stay empty.
        case unnamed
        case unknown
    }

    mutating func fail(_ line: Int, _ column: String?, _ message: String) {
        errors.append(PaperResponseError(line: line, column: column, message: message))
    }

    /// The role of each column; nil (with the errors) when the header does not fit the survey.
    mutating func header(_ names: [String], survey: Survey, export: Export) -> [(name: String, column: Column)]? {
        var known: [String: Column] = ["response": .response, "submitted": .submitted]
        if survey.access == .invite { known["code"] = .code }
        for attribute in survey.attributes { known[attribute] = .attribute(attribute) }
        for (index, q) in survey.questions.enumerated() {
            for (name, cell) in export.layout(of: q) { known[name] = .answer(index, cell) }
        }
        var seen = Set<String>()
        var columns: [(name: String, column: Column)] = []
        let before = errors.count
        for raw in names {
            let name = raw.trimmingSpaces()
            if name.isEmpty {
                columns.append((name, .unnamed))
                continue
            }
            if !seen.insert(name).inserted { fail(1, name, "appears twice; give each column once") }
            guard let column = known[name] else {
                if name == "code" {
                    fail(1, name, "\(survey.id) is an open survey and has no access codes; remove the column")
                } else {
                    fail(1, name, "is not a column of \(survey.id); the columns are those of 'mitreden export \(survey.id) --header-only'")
                }
                columns.append((name, .unknown))
                continue
            }
            columns.append((name, column))
        }
        if survey.access == .invite && !seen.contains("code") {
            fail(1, nil, "no 'code' column; \(survey.id) is an invite survey, so each questionnaire's access code must be typed in (the template from 'mitreden export \(survey.id) --header-only' has it first)")
        }
        return errors.count == before ? columns : nil
    }

    /// Checks one record and keeps it as a row, or its errors.
    mutating func read(_ record: CSVRecord, _ columns: [(name: String, column: Column)], survey: Survey, codeLines: inout [String: Int]) {
        let line = record.line
        let before = errors.count
        var code: String?
        var attributes: [(String, String)] = []
        var fields: [(String, String)] = []
        fields.reserveCapacity(columns.count)
        /// Questions whose cells the file's own rules refused: the form's checks are not asked about them.
        var refused = Set<Int>()
        /// Ranking places by question: place → (code, column).
        var places: [Int: [Int: (String, String)]] = [:]
        /// `other` texts by question, with their column, to check that `other` was chosen.
        var otherTexts: [Int: String] = [:]
        for (i, (name, column)) in columns.enumerated() {
            let cell = record.fields[i].trimmingSpaces()
            switch column {
            case .unknown: break
            case .unnamed:
                if !cell.isEmpty { fail(line, nil, "column \(i + 1) has no name but holds '\(cell.escapingControlCharacters)'; name it in the first row or empty it") }
            case .code:
                guard !cell.isEmpty else {
                    fail(line, name, "is empty; type the access code written on the questionnaire (XXXX-XXXX-XXXX)")
                    continue
                }
                guard let normalized = AccessCode.normalize(cell) else {
                    fail(line, name, "'\(cell.escapingControlCharacters)' has a typo or is no access code (12 characters like 7KQ4-MN2P-X9RT, without 0, O, 1 or I); check it on the questionnaire")
                    continue
                }
                if let first = codeLines[normalized] {
                    fail(line, name, "the code \(AccessCode.formatted(normalized)) is also in line \(first); each code answers once")
                    continue
                }
                codeLines[normalized] = line
                code = normalized
            case .response, .submitted:
                if !cell.isEmpty {
                    fail(line, name, "leave it empty: the response's id and date are given when it is stored (a file written by 'export' cannot be imported back)")
                }
            case .attribute(let attribute):
                guard !cell.isEmpty else { continue }
                if let control = cell.firstControlCharacter {
                    fail(line, name, "holds \(ControlCharacters.describe(control)); write the value on one line")
                    continue
                }
                attributes.append((attribute, cell))
            case .answer(let index, let kind):
                guard !cell.isEmpty else { continue }
                let id = survey.questions[index].id
                switch kind {
                case .value: fields.append((id, cell))
                case .row(let row): fields.append((id + "." + row, cell))
                case .otherText:
                    fields.append((id + ".other", cell))
                    otherTexts[index] = name
                case .option(let option):
                    switch cell {
                    case "1": fields.append((id, option))
                    case "0": break
                    default:
                        fail(line, name, "'\(cell.escapingControlCharacters)' is not 0 or 1; write 1 when the box is ticked, 0 or nothing when not")
                        refused.insert(index)
                    }
                case .place(let option):
                    let count = survey.questions[index].choices.count
                    guard cell.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let place = Int(cell), (1...count).contains(place) else {
                        fail(line, name, "'\(cell.escapingControlCharacters)' is no place; write the number written in the box, 1 to \(count)")
                        refused.insert(index)
                        continue
                    }
                    if let other = places[index]?[place] {
                        fail(line, name, "place \(place) is also given in column '\(other.1)'; each place is given once")
                        refused.insert(index)
                        continue
                    }
                    places[index, default: [:]][place] = (option, name)
                }
            }
        }
        for (index, byPlace) in places where !refused.contains(index) {
            let id = survey.questions[index].id
            for place in byPlace.keys.sorted() { fields.append(("\(id).\(place)", byPlace[place]!.0)) }
        }
        // A text for `other` without `other` chosen: the form would drop it; on paper it was written.
        for (index, column) in otherTexts where !refused.contains(index) {
            let id = survey.questions[index].id
            if !fields.contains(where: { $0.0 == id && $0.1 == "other" }) {
                fail(line, column, "holds a text, but 'other' is not chosen in \(Self.columnName(survey.questions[index])); tick it, or leave the text empty")
                refused.insert(index)
            }
        }
        let checked = survey.checkForm(fields, language: "en")
        for error in checked.errors {
            guard let index = survey.questions.firstIndex(where: { $0.id == error.question }), !refused.contains(index) else { continue }
            let q = survey.questions[index]
            fail(line, Self.columnName(q), error.message + Self.codeHint(q, fields))
        }
        guard errors.count == before else { return }
        rows.append(Row(line: line, code: code, attributes: attributes, answers: checked))
    }

    /// The column an error about a whole question is reported in: its own, or `ID.*` for a
    /// question with a column per option or row.
    static func columnName(_ q: Question) -> String {
        switch q.kind {
        case .multi, .matrix, .ranking: return q.id + ".*"
        case .single, .yesno, .scale, .number, .text: return q.id
        }
    }

    /// The codes a cell may hold, when a question's cell holds something else (a label typed
    /// for a code, say).
    static func codeHint(_ q: Question, _ fields: [(String, String)]) -> String {
        switch q.kind {
        case .single, .yesno:
            guard let given = fields.first(where: { $0.0 == q.id })?.1, !q.codes.contains(given) else { return "" }
        case .matrix(let rows, let options):
            let codes = options.map(\.code)
            guard fields.contains(where: { field in rows.contains { q.id + "." + $0.code == field.0 } && !codes.contains(field.1) }) else { return "" }
            return " (codes: \(codes.joined(separator: ", ")))"
        default: return ""
        }
        return " (codes: \(q.codes.joined(separator: ", ")))"
    }
}
