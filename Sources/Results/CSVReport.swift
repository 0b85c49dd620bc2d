import CSV
import Foundation
import JSON
import Survey

/// The results document as one long table for a spreadsheet (pivot tables work on it):
/// `group;question;question_text;kind;row;code;label;count;percent;value`. `kind` says what a
/// line holds: `responses`, `invited`, `response_rate`, `withheld` (a group too small to show),
/// `answered`, `skipped`, `not_shown`, `option` (count and percent of a code; matrix options
/// with their row), a statistic (`mean`, `median`, `q1`, `q3`, `min`, `max`, `sum`, `stddev`:
/// in `value`), `mean_rank`, `first` and `ranked` of a ranking option, `answer` and `other`
/// (free text, overall only). `group` is empty for the whole survey. With `;` as separator (what
/// German spreadsheets expect) numbers are written with a decimal comma.
public enum CSVReport {
    public static let header = ["group", "question", "question_text", "kind", "row", "code", "label", "count", "percent", "value"]

    public static func render(_ document: JSONValue, separator: Character = ",") -> String {
        var writer = CSVWriter(separator: separator)
        writer.row(header)
        let decimalComma = separator == ";"
        func cell(_ value: JSONValue?) -> String { Self.cell(value, decimalComma: decimalComma) }
        func line(_ group: String, _ q: JSONValue?, _ kind: String, row: String = "", code: String = "", label: String = "",
                  count: JSONValue? = nil, percent: JSONValue? = nil, value: JSONValue? = nil) {
            writer.row([group, cell(q?["id"]), cell(q?["text"]), kind, row, code, label, cell(count), cell(percent), cell(value)])
        }
        line("", nil, "responses", count: document["responses"])
        if document["invited"] != .null { line("", nil, "invited", count: document["invited"]) }
        if document["response_rate"] != .null { line("", nil, "response_rate", value: document["response_rate"]) }
        questions(document["questions"], group: "", decimalComma: decimalComma, line)
        for g in document["groups"]?.array ?? [] {
            let name = cell(g["value"])
            if g["suppressed"] == .bool(true) {
                line(name, nil, "withheld", value: document["min_group_size"])
                continue
            }
            line(name, nil, "responses", count: g["responses"])
            if let invited = g["invited"] { line(name, nil, "invited", count: invited) }
            questions(g["questions"], group: name, decimalComma: decimalComma, line)
        }
        return writer.text
    }

    static func questions(_ list: JSONValue?, group: String, decimalComma: Bool,
                          _ line: (String, JSONValue?, String, String, String, String, JSONValue?, JSONValue?, JSONValue?) -> Void) {
        func cell(_ value: JSONValue?) -> String { Self.cell(value, decimalComma: decimalComma) }
        for q in list?.array ?? [] {
            for kind in ["answered", "skipped", "not_shown"] { line(group, q, kind, "", "", "", q[kind], nil, nil) }
            func options(_ items: JSONValue?, row: String) {
                for o in items?.array ?? [] {
                    if let meanRank = o["mean_rank"] {
                        line(group, q, "mean_rank", row, cell(o["code"]), cell(o["label"]), nil, nil, meanRank)
                        line(group, q, "first", row, cell(o["code"]), cell(o["label"]), o["first"], nil, nil)
                        line(group, q, "ranked", row, cell(o["code"]), cell(o["label"]), o["ranked"], nil, nil)
                    } else {
                        line(group, q, "option", row, cell(o["code"]), cell(o["label"]), o["count"], o["percent"], nil)
                    }
                }
            }
            options(q["options"], row: "")
            for r in q["rows"]?.array ?? [] {
                line(group, q, "answered", cell(r["id"]), "", cell(r["label"]), r["answered"], nil, nil)
                options(r["options"], row: cell(r["id"]))
            }
            for statistic in ["mean", "median", "q1", "q3", "min", "max", "sum", "stddev"] {
                if let value = q[statistic] { line(group, q, statistic, "", "", "", nil, nil, value) }
            }
            for (key, kind) in [("answers", "answer"), ("other", "other")] {
                for text in q[key]?.array ?? [] { line(group, q, kind, "", "", cell(text), nil, nil, nil) }
            }
        }
    }

    static func cell(_ value: JSONValue?, decimalComma: Bool) -> String { plainText(value, decimalComma: decimalComma) }
}

/// A scalar of the results document as plain text: strings as they are, numbers as JSON writes
/// them (with a decimal comma if asked), `null` and anything else as `null`.
func plainText(_ value: JSONValue?, decimalComma: Bool = false, null: String = "") -> String {
    switch value {
    case .string(let s)?: return s
    case .int(let i)?: return String(i)
    case .double(let d)?: return decimalComma ? JSONNumber.text(d).replacingOccurrences(of: ".", with: ",") : JSONNumber.text(d)
    case .bool(let b)?: return b ? "true" : "false"
    default: return null
    }
}
