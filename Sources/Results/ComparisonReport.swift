import CSV
import Foundation
import JSON
import Survey

/// The comparison document (`Comparison`) as text, CSV and a self-contained HTML report.
public enum ComparisonReport {
    /// For a terminal: per question both waves' counts and percents and the change.
    public static func text(_ document: JSONValue) -> String {
        func s(_ v: JSONValue?) -> String { plainText(v, null: "–") }
        var out = "\(s(document["title"])) (\(s(document["survey"]))) compared with \(s(document["compare"]))\n"
        out += "responses \(s(document["responses"]?["current"])), earlier \(s(document["responses"]?["previous"]))\n"
        func questions(_ list: JSONValue?) {
            for q in list?.array ?? [] {
                out += "\n\(s(q["id"])): \(s(q["text"]))\n"
                guard q["in"] == .string("both") else {
                    out += "  only in \(q["in"] == .string("current") ? "this wave" : "the earlier wave")\n"
                    continue
                }
                for line in lines(q) {
                    let label = line.label.padding(toLength: max(line.label.count, 24), withPad: " ", startingAt: 0)
                    out += "  \(label)  \(line.previous.padding(toLength: 16, withPad: " ", startingAt: 0)) -> \(line.current.padding(toLength: 16, withPad: " ", startingAt: 0))  \(line.change)\n"
                }
            }
        }
        questions(document["questions"])
        if let groups = document["groups"]?.array {
            out += "\nBy \(s(document["by"])) (a group withheld in either wave is withheld in both):\n"
            for g in groups {
                let name = g["value"] == .null ? "(none)" : s(g["value"])
                if g["suppressed"] == .bool(true) { out += "\n== \(name): withheld\n"; continue }
                out += "\n== \(name): \(s(g["responses"]?["current"])) responses, earlier \(s(g["responses"]?["previous"]))\n"
                questions(g["questions"])
            }
        }
        return out
    }

    /// One line of a compared question: what it is, the earlier wave, this wave, the change.
    struct Line {
        var row = "", code = "", label: String
        var previous: String, current: String, change: String
        var values: [JSONValue?]
    }

    /// The compared lines of a question present in both waves (options, matrix cells, ranks, mean).
    static func lines(_ q: JSONValue, decimalComma: Bool = false) -> [Line] {
        func s(_ v: JSONValue?) -> String { plainText(v, decimalComma: decimalComma, null: "–") }
        let now = q["current"], before = q["previous"], change = q["change"]
        var out: [Line] = []
        func options(_ a: JSONValue?, _ b: JSONValue?, row: String, rowLabel: String) {
            let codes = Comparison.pairs(a, b) { _, _ in .null }.map(\.0)
            for code in codes {
                let x = a?.array?.first { plainText($0["code"]) == code }, y = b?.array?.first { plainText($0["code"]) == code }
                let label = (rowLabel.isEmpty ? "" : rowLabel + ": ") + plainText((x ?? y)?["label"])
                if q["type"] == .string("ranking") {
                    let d = change?["mean_rank"]?[code]
                    out.append(Line(code: code, label: label, previous: "rank \(s(y?["mean_rank"]))", current: "rank \(s(x?["mean_rank"]))",
                                    change: signed(d, decimalComma: decimalComma), values: [nil, y?["mean_rank"], nil, x?["mean_rank"], d]))
                } else {
                    let d = change?["percent_points"]?[row.isEmpty ? code : "\(row).\(code)"]
                    func cell(_ o: JSONValue?) -> String { o == nil ? "–" : "\(s(o?["count"])) (\(s(o?["percent"])) %)" }
                    out.append(Line(row: row, code: code, label: label, previous: cell(y), current: cell(x),
                                    change: d == nil || d == .null ? "–" : signed(d, decimalComma: decimalComma) + " pp",
                                    values: [y?["count"], y?["percent"], x?["count"], x?["percent"], d]))
                }
            }
        }
        options(now?["options"], before?["options"], row: "", rowLabel: "")
        for row in now?["rows"]?.array ?? [] {
            let earlier = before?["rows"]?.array?.first { $0["id"] == row["id"] }
            options(row["options"], earlier?["options"], row: plainText(row["id"]), rowLabel: plainText(row["label"]))
        }
        if change?["mean"] != nil {
            out.append(Line(label: "mean", previous: s(before?["mean"]), current: s(now?["mean"]), change: signed(change?["mean"], decimalComma: decimalComma),
                            values: [nil, before?["mean"], nil, now?["mean"], change?["mean"]]))
        }
        return out
    }

    static func signed(_ v: JSONValue?, decimalComma: Bool = false) -> String {
        guard let d = v?.number else { return "–" }
        let text = plainText(v, decimalComma: decimalComma)
        return d > 0 ? "+" + text : d == 0 ? "±" + text : "−" + text.dropFirst()
    }

    /// One long table: `group,question,question_text,in,row,code,label,previous_count,previous_value,current_count,current_value,change`
    /// (`value`: a percent, a mean rank or a mean; `change`: percentage points or a difference).
    public static func csv(_ document: JSONValue, separator: Character = ",") -> String {
        var writer = CSVWriter(separator: separator)
        let comma = separator == ";"
        writer.row(["group", "question", "question_text", "in", "row", "code", "label", "previous_count", "previous_value", "current_count", "current_value", "change"])
        func questions(_ list: JSONValue?, group: String) {
            for q in list?.array ?? [] {
                let head = [group, plainText(q["id"]), plainText(q["text"]), plainText(q["in"])]
                guard q["in"] == .string("both") else { writer.row(head + Array(repeating: "", count: 8)); continue }
                for line in lines(q) {
                    writer.row(head + [line.row, line.code, line.label] + line.values.map { plainText($0, decimalComma: comma) })
                }
            }
        }
        questions(document["questions"], group: "")
        for g in document["groups"]?.array ?? [] {
            if g["suppressed"] == .bool(true) {
                writer.row([plainText(g["value"]), "", "", "withheld"] + Array(repeating: "", count: 8))
            } else {
                questions(g["questions"], group: plainText(g["value"]))
            }
        }
        return writer.text
    }
}
