import Foundation
import JSON
import Survey

/// The change since an earlier wave (`results SURVEY --compare EARLIER`), computed from the two
/// results documents alone, so that every rule of the results document (rounding, withheld
/// groups) holds for both sides. Questions are matched by id, options by code (matrix cells by
/// `row.code`). Percentage points come from the unrounded percents (count / answered, both in
/// the documents), rounded to one decimal; a mean's difference from the unrounded means where
/// the document has what they are made of (a scale's counts, a number's sum), rounded to two.
/// A question or an option found in one wave only is listed as such, with no change. With a
/// breakdown, a group withheld in either wave (or without responses in one) is withheld in both.
public enum Comparison {
    /// The comparison document: `{"survey", "compare", "questions": [{"id", "current",
    /// "previous", "change": {"percent_points": {CODE: d}, "mean": d}}]}`, and with `by` in both
    /// documents `"by"` and `"groups"`.
    public static func json(current: JSONValue, previous: JSONValue) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("survey", current["survey"] ?? .null), ("compare", previous["survey"] ?? .null),
            ("title", current["title"] ?? .null), ("previous_title", previous["title"] ?? .null),
            ("generated_at", current["generated_at"] ?? .null),
            ("responses", .object([("current", current["responses"] ?? .null), ("previous", previous["responses"] ?? .null)])),
            ("min_group_size", current["min_group_size"] ?? .null),
            ("questions", .array(questions(current["questions"], previous["questions"]))),
        ]
        if let by = current["by"] {
            members.append(("by", by))
            members.append(("groups", .array(groups(current["groups"]?.array ?? [], previous["groups"]?.array ?? []))))
        }
        return .object(members)
    }

    /// The groups of both waves by value (this wave's order, then values only the earlier had).
    static func groups(_ current: [JSONValue], _ previous: [JSONValue]) -> [JSONValue] {
        var values = current.map { $0["value"] ?? .null }
        for g in previous where !values.contains(g["value"] ?? .null) { values.append(g["value"] ?? .null) }
        return values.map { value in
            let now = current.first { ($0["value"] ?? .null) == value }
            let before = previous.first { ($0["value"] ?? .null) == value }
            guard let now, let before, now["suppressed"] != .bool(true), before["suppressed"] != .bool(true) else {
                return .object([("value", value), ("suppressed", .bool(true))])
            }
            return .object([("value", value), ("responses", .object([("current", now["responses"] ?? .null), ("previous", before["responses"] ?? .null)])),
                            ("suppressed", .bool(false)), ("questions", .array(questions(now["questions"], before["questions"])))])
        }
    }

    /// Both waves' questions matched by id: this wave's order, then those only the earlier had.
    static func questions(_ current: JSONValue?, _ previous: JSONValue?) -> [JSONValue] {
        let now = current?.array ?? [], before = previous?.array ?? []
        func id(_ q: JSONValue) -> JSONValue { q["id"] ?? .null }
        var out = now.map { q in entry(q, before.first { id($0) == id(q) }, currentFirst: true) }
        out += before.filter { q in !now.contains { id($0) == id(q) } }.map { entry($0, nil, currentFirst: false) }
        return out
    }

    static func entry(_ q: JSONValue, _ other: JSONValue?, currentFirst: Bool) -> JSONValue {
        let current = currentFirst ? q : other, previous = currentFirst ? other : q
        var members: [(String, JSONValue)] = [("id", q["id"] ?? .null), ("type", q["type"] ?? .null), ("text", q["text"] ?? .null)]
        members.append(("in", .string(current != nil && previous != nil ? "both" : current != nil ? "current" : "previous")))
        members.append(("current", current.map(numbers) ?? .null))
        members.append(("previous", previous.map(numbers) ?? .null))
        members.append(("change", current.flatMap { c in previous.map { change(c, $0) } } ?? .null))
        return .object(members)
    }

    /// A question's numbers, without free text.
    static func numbers(_ q: JSONValue) -> JSONValue {
        guard case .object(let members) = q else { return q }
        return .object(members.filter { !["answers", "other", "id", "type", "text"].contains($0.0) })
    }

    static func change(_ current: JSONValue, _ previous: JSONValue) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if current["type"] == .string("ranking") {
            members.append(("mean_rank", .object(pairs(current["options"], previous["options"]) { now, before in
                guard let a = now?["mean_rank"]?.number, let b = before?["mean_rank"]?.number else { return .null }
                return .double(Statistics.round(a - b, 2))
            })))
        } else if current["options"] != nil || current["rows"] != nil {
            var points = pairs(current["options"], previous["options"]) { percentPoints($0, current["answered"], $1, previous["answered"]) }
            for row in current["rows"]?.array ?? [] {
                let before = previous["rows"]?.array?.first { $0["id"] == row["id"] }
                points += pairs(row["options"], before?["options"]) { percentPoints($0, row["answered"], $1, before?["answered"]) }
                    .map { ("\(plainText(row["id"])).\($0.0)", $0.1) }
            }
            members.append(("percent_points", .object(points)))
        }
        if current["mean"] != nil || previous["mean"] != nil {
            let difference = mean(current).flatMap { a in mean(previous).map { Statistics.round(a - $0, 2) } }
            members.append(("mean", difference.map(JSONValue.double) ?? .null))
        }
        return .object(members)
    }

    /// The options of both by code, this wave's first; `value` of a code present in both or one.
    static func pairs(_ current: JSONValue?, _ previous: JSONValue?, _ value: (JSONValue?, JSONValue?) -> JSONValue) -> [(String, JSONValue)] {
        let now = current?.array ?? [], before = previous?.array ?? []
        var codes = now.map { plainText($0["code"]) }
        for o in before where !codes.contains(plainText(o["code"])) { codes.append(plainText(o["code"])) }
        return codes.map { code in
            (code, value(now.first { plainText($0["code"]) == code }, before.first { plainText($0["code"]) == code }))
        }
    }

    /// This wave's percent minus the earlier one's, from the counts; null for an option only one wave had.
    static func percentPoints(_ now: JSONValue?, _ nowAnswered: JSONValue?, _ before: JSONValue?, _ beforeAnswered: JSONValue?) -> JSONValue {
        guard let a = now?["count"]?.number, let n = nowAnswered?.number, let b = before?["count"]?.number, let m = beforeAnswered?.number else { return .null }
        return .double(Statistics.round((n == 0 ? 0 : a * 100 / n) - (m == 0 ? 0 : b * 100 / m), 1))
    }

    /// The unrounded mean where the document holds its parts (a scale's counts, a number's sum), else the document's.
    static func mean(_ q: JSONValue) -> Double? {
        if q["type"] == .string("scale"), let options = q["options"]?.array {
            let parts = options.compactMap { o -> (Double, Double)? in
                guard let value = Double(plainText(o["code"])), let count = o["count"]?.number else { return nil }
                return (value, count)
            }
            let total = parts.reduce(0) { $0 + $1.1 }
            if parts.count == options.count, total > 0 { return parts.reduce(0) { $0 + $1.0 * $1.1 } / total }
        }
        if q["type"] == .string("number"), let sum = q["sum"]?.number, let answered = q["answered"]?.number, answered > 0 {
            return sum / answered
        }
        return q["mean"]?.number
    }
}

extension JSONValue {
    /// An `int` or `double` as a `Double`.
    var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
}
