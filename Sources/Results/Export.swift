import CSV
import Store
import Survey

/// The raw responses for the organizers' own statistics: one row per response, stable codes as
/// column names, never a name, an email or a link.
///
/// Columns: `response` (its random id), `submitted` (the day only, for anonymous surveys), the
/// carried attributes, then per question: single, yesno, scale, number and text one column with
/// the code, number or text; single with `other` adds `ID.other_text`; multi one 0/1 column
/// `ID.CODE` per option (and `ID.other_text`); matrix one column `ID.ROW` per row with the code;
/// ranking one column `ID.CODE` per option with its place (1 = first). A question that was not
/// answered or not shown is empty in all its columns.
///
/// In anonymous surveys the carried attributes of a response whose combination of attribute
/// values is shared by fewer than `min_group_size` responses are written as `*`
/// (k-anonymity over the carried attributes).
public struct Export {
    public let survey: Survey
    public let language: String

    public init(survey: Survey, language: String) {
        self.survey = survey
        self.language = language
    }

    /// The column names, in order.
    public var columns: [String] {
        ["response", "submitted"] + survey.attributes + survey.questions.flatMap(columns(of:))
    }

    /// The header of the data-entry template for answers typed in from paper (`export
    /// --header-only`, read back by `responses import`): the export's columns, and for an invite
    /// survey first a `code` column for the access code written on each questionnaire. The
    /// export itself never has codes.
    public var dataEntryColumns: [String] {
        (survey.access == .invite ? ["code"] : []) + columns
    }

    /// The data-entry template: the header row alone, as CSV (`export --header-only`).
    public func dataEntryTemplate(separator: Character = ",") -> String {
        var writer = CSVWriter(separator: separator)
        writer.row(dataEntryColumns)
        return writer.text
    }

    func columns(of q: Question) -> [String] { layout(of: q).map(\.name) }

    /// What a column of a question holds.
    enum Cell: Equatable {
        /// The code, number or text (single, yesno, scale, number, text).
        case value
        /// The text of the `other` option.
        case otherText
        /// multi: 1 when this option was chosen, else 0.
        case option(String)
        /// ranking: the place of this option (1 = first).
        case place(String)
        /// matrix: the option code chosen in this row.
        case row(String)
    }

    /// The columns of a question, in order, with what each holds.
    func layout(of q: Question) -> [(name: String, cell: Cell)] {
        switch q.kind {
        case .single(_, let other): return [(q.id, .value)] + (other ? [(q.id + ".other_text", .otherText)] : [])
        case .multi(_, let other, _): return q.choices.map { ("\(q.id).\($0.code)", .option($0.code)) } + (other ? [(q.id + ".other_text", .otherText)] : [])
        case .ranking(let options, _): return options.map { ("\(q.id).\($0.code)", .place($0.code)) }
        case .matrix(let rows, _): return rows.map { ("\(q.id).\($0.code)", .row($0.code)) }
        case .yesno, .scale, .number, .text: return [(q.id, .value)]
        }
    }

    func cells(of q: Question, _ response: StoredResponse) -> [String] {
        let answer = response.answers[q.id]
        switch (q.kind, answer) {
        case (.single(_, let other), _):
            var cells: [String] = []
            if case .choice(let code)? = answer { cells.append(code) } else { cells.append("") }
            if other { cells.append(response.other[q.id] ?? "") }
            return cells
        case (.multi(_, let other, _), _):
            var cells = q.choices.map { option -> String in
                guard case .choices(let codes)? = answer else { return "" }
                return codes.contains(option.code) ? "1" : "0"
            }
            if other { cells.append(response.other[q.id] ?? "") }
            return cells
        case (.ranking(let options, _), .order(let order)?):
            return options.map { option in order.firstIndex(of: option.code).map { String($0 + 1) } ?? "" }
        case (.matrix(let rows, _), .rows(let chosen)?):
            return rows.map { chosen[$0.code] ?? "" }
        case (_, .choice(let code)?): return [code]
        case (_, .number(let n)?): return [JSONNumber.text(n)]
        case (_, .text(let text)?): return [text]
        default: return columns(of: q).map { _ in "" }
        }
    }

    /// The export of every stored response, as CSV text. `progress` is told how many rows are
    /// written so far, every thousand.
    public func csv(_ database: Database, separator: Character = ",", progress: (Int) -> Void = { _ in }) throws -> String {
        var text = ""
        try csv(database, separator: separator, progress: progress) { text += $0 }
        return text
    }

    /// The same CSV handed to `output` in parts of about 64 KiB, so that memory stays flat for
    /// a million responses.
    public func csv(_ database: Database, separator: Character = ",", progress: (Int) -> Void = { _ in },
                    output: (String) throws -> Void) throws {
        var shared: [[String]: Int] = [:]
        if survey.anonymous && !survey.attributes.isEmpty {
            try database.forEachResponse(surveyID: survey.id) { row in
                shared[attributeValues(StoredResponse(survey, row)), default: 0] += 1
            }
        }
        var writer = CSVWriter(separator: separator)
        writer.row(columns)
        var written = 0
        try database.forEachResponse(surveyID: survey.id) { row in
            let response = StoredResponse(survey, row)
            var attributes = attributeValues(response)
            // A combination counted as 0 arrived between the two passes: withheld too, to be safe.
            if survey.anonymous && (shared[attributes] ?? 0) < survey.minGroupSize {
                attributes = attributes.map { _ in "*" }
            }
            writer.row([row.id, row.submitted] + attributes + survey.questions.flatMap { cells(of: $0, response) })
            written += 1
            if written % 1000 == 0 { progress(written) }
            if writer.text.utf8.count >= 1 << 16 { try output(writer.take()) }
        }
        try output(writer.take())
    }

    func attributeValues(_ response: StoredResponse) -> [String] { survey.attributes.map { response.attributes[$0] ?? "" } }

    /// The codebook: one line per column and code with the question's text, type and labels.
    public func codebook(separator: Character = ",") -> String {
        var writer = CSVWriter(separator: separator)
        writer.row(["column", "question", "type", "text", "code", "label"])
        func label(_ text: LocalizedText) -> String { text.text(language, default: survey.defaultLanguage) }
        writer.row(["response", "", "id", language == "de" ? "zufällige Kennung der Antwort" : "random id of the response", "", ""])
        writer.row(["submitted", "", "date", survey.anonymous ? (language == "de" ? "Tag der Antwort" : "day of the response")
                                                           : (language == "de" ? "Zeitpunkt der Antwort" : "time of the response"), "", ""])
        for attribute in survey.attributes {
            writer.row([attribute, "", "attribute", survey.anonymous ? (language == "de" ? "* = seltene Kombination, nicht ausgewiesen"
                                                                                        : "* = rare combination, withheld") : "", "", ""])
        }
        for q in survey.questions {
            let text = label(q.text)
            switch q.kind {
            case .single(_, let other):
                for option in q.choices { writer.row([q.id, q.id, q.typeName, text, option.code, label(option.label)]) }
                if other { writer.row([q.id + ".other_text", q.id, q.typeName, text, "", label(Option.other.label)]) }
            case .multi(_, let other, _):
                for option in q.choices { writer.row(["\(q.id).\(option.code)", q.id, q.typeName, text, "1", label(option.label)]) }
                if other { writer.row([q.id + ".other_text", q.id, q.typeName, text, "", label(Option.other.label)]) }
            case .ranking(let options, _):
                for option in options { writer.row(["\(q.id).\(option.code)", q.id, q.typeName, text, "1…\(options.count)", label(option.label)]) }
            case .matrix(let rows, let options):
                for row in rows {
                    for option in options { writer.row(["\(q.id).\(row.code)", q.id, q.typeName, "\(text): \(label(row.label))", option.code, label(option.label)]) }
                }
            case .scale(let low, let high, let lowLabel, let highLabel):
                for point in low...high {
                    let name = point == low ? lowLabel.map(label) : point == high ? highLabel.map(label) : nil
                    writer.row([q.id, q.id, q.typeName, text, String(point), name ?? String(point)])
                }
            case .yesno:
                for option in q.choices { writer.row([q.id, q.id, q.typeName, text, option.code, label(option.label)]) }
            case .number(let min, let max, _):
                writer.row([q.id, q.id, q.typeName, text, "", [min.map { "≥ \(JSONNumber.text($0))" }, max.map { "≤ \(JSONNumber.text($0))" }].compactMap { $0 }.joined(separator: ", ")])
            case .text:
                writer.row([q.id, q.id, q.typeName, text, "", ""])
            }
        }
        return writer.text
    }
}
