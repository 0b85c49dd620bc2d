import Foundation
import JSON
import Survey

/// The results document as text for a terminal: counts, percents and bars, aligned.
public enum TextReport {
    public static func render(_ document: JSONValue) -> String {
        var out = ""
        func string(_ v: JSONValue?) -> String { plainText(v, null: "–") }
        out += "\(string(document["title"])) (\(string(document["survey"])))\n"
        out += "responses \(string(document["responses"])), invited \(string(document["invited"])), response rate \(string(document["response_rate"]))\n"
        guard case .array(let questions)? = document["questions"] else { return out }
        for q in questions { out += "\n" + question(q, string) }
        if case .array(let groups)? = document["groups"] {
            out += "\nBy \(string(document["by"])) (groups under \(string(document["min_group_size"])) responses withheld):\n"
            for g in groups {
                let name = g["value"] == .null ? "(none)" : string(g["value"])
                if g["suppressed"] == .bool(true) {
                    out += "\n== \(name): withheld\n"
                } else {
                    let count = string(g["responses"])
                    out += "\n== \(name): \(count) \(count == "1" ? "response" : "responses")\n"
                    if case .array(let qs)? = g["questions"] { for q in qs { out += question(q, string) } }
                }
            }
        }
        return out
    }

    static func question(_ q: JSONValue, _ string: (JSONValue?) -> String) -> String {
        var out = "\(string(q["id"])): \(string(q["text"]))  [answered \(string(q["answered"])), skipped \(string(q["skipped"])), not shown \(string(q["not_shown"]))]\n"
        func bars(_ options: JSONValue?) {
            guard case .array(let items)? = options else { return }
            let width = items.map { string($0["label"]).count }.max() ?? 0
            for o in items {
                let percent: Double
                if case .double(let p)? = o["percent"] { percent = p } else if case .int(let p)? = o["percent"] { percent = Double(p) } else { percent = 0 }
                let label = string(o["label"]).padding(toLength: max(width, 1), withPad: " ", startingAt: 0)
                if o["mean_rank"] != nil {
                    out += "  \(label)  mean rank \(string(o["mean_rank"])), first \(string(o["first"])), ranked \(string(o["ranked"]))\n"
                } else {
                    let count = string(o["count"])
                    out += "  \(label)  \(String(repeating: " ", count: max(0, 6 - count.count)))\(count)  \(String(format: "%5.1f", percent)) %  \(String(repeating: "█", count: Int((percent / 4).rounded())))\n"
                }
            }
        }
        bars(q["options"])
        for key in ["mean", "median", "stddev", "min", "max", "q1", "q3", "sum"] where q[key] != nil {
            out += "  \(key) \(string(q[key]))"
        }
        if q["mean"] != nil { out += "\n" }
        if case .array(let rows)? = q["rows"] {
            for row in rows { out += " \(string(row["label"])) [answered \(string(row["answered"]))]\n"; bars(row["options"]) }
        }
        for key in ["answers", "other"] {
            if case .array(let texts)? = q[key], !texts.isEmpty {
                out += "  \(key == "other" ? "other" : "answers"):\n" + texts.map { "  - \(string($0).replacingOccurrences(of: "\n", with: " "))\n" }.joined()
            }
        }
        return out
    }
}
