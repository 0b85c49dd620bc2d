import Foundation
import JSON
import Survey

/// The results document as one self-contained HTML file for a report: no script, no outside
/// resources, print-friendly. Every chart is a table (the numbers, for screen readers and for
/// printing) whose bars are inline SVG hidden from assistive technology; every text from the
/// survey or from answers is escaped.
public enum HTMLReport {
    /// `textLimit`: at most this many free texts per question (the console's page, which a
    /// browser must still open at a million answers); the rest are counted, not listed.
    public static func render(_ document: JSONValue, language: String, textLimit: Int? = nil) -> String {
        let t = Words(language: language)
        func text(_ v: JSONValue?) -> String { HTML.escape(plainText(v)) }
        let minimum = plainText(document["min_group_size"])
        var out = head(language: language, title: "\(t.results): \(text(document["title"]))", style: css) + """
        <body>
        <main>
        <h1>\(text(document["title"]))</h1>
        <p class="meta">\(t.generated) \(text(document["generated_at"])) · \(t.responses): \(t.number(document["responses"]))
        """
        if document["invited"] != .null {
            out += " · \(t.invited): \(t.number(document["invited"])) · \(t.rate): \(t.rate(document["response_rate"]))"
        }
        out += "</p>\n"
        let groups = document["groups"]?.array ?? []
        let by = text(document["by"])
        if !groups.isEmpty {
            out += "<section aria-labelledby=\"groups\">\n<h2 id=\"groups\">\(t.responsesBy) \(by)</h2>\n"
            out += "<p>\(t.withheldNote(minimum))</p>\n"
            out += "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"groups\">\n<table>\n<thead><tr><th scope=\"col\">\(by)</th>"
            if document["invited"] != .null { out += "<th scope=\"col\">\(t.invited)</th>" }
            out += "<th scope=\"col\">\(t.responses)</th>"
            if document["invited"] != .null { out += "<th scope=\"col\">\(t.rate)</th>" }
            out += "</tr></thead>\n<tbody>\n"
            for g in groups {
                let suppressed = g["suppressed"] == .bool(true)
                out += "<tr><th scope=\"row\">\(g["value"] == .null ? t.none : breakable(plainText(g["value"])))</th>"
                if document["invited"] != .null { out += "<td>\(t.number(g["invited"]))</td>" }
                out += suppressed ? "<td>\(t.withheld(minimum))</td>" : "<td>\(t.number(g["responses"]))</td>"
                if document["invited"] != .null {
                    let rate: JSONValue? = suppressed ? nil : ratio(g["responses"], g["invited"])
                    out += "<td>\(rate.map { t.rate($0) } ?? "–")</td>"
                }
                out += "</tr>\n"
            }
            out += "</tbody>\n</table>\n</div>\n</section>\n"
        }
        // A paged survey's page titles head their questions, one level down.
        var pageStarts: [String: String] = [:]
        for page in document["pages"]?.array ?? [] {
            if case .string(let first)? = page["questions"]?.array?.first, page["title"] != .null { pageStarts[first] = text(page["title"]) }
        }
        let level = pageStarts.isEmpty ? 2 : 3
        for (index, q) in (document["questions"]?.array ?? []).enumerated() {
            if let title = pageStarts[plainText(q["id"])] { out += "<h2 class=\"page\">\(title)</h2>\n" }
            out += question(q, index: index, groups: groups, by: by, t, level: level, textLimit: textLimit)
        }
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    /// A report file's start up to `</head>`: `title` (escaped HTML) and its own style sheet.
    static func head(language: String, title: String, style: String) -> String {
        """
        <!doctype html>
        <html lang="\(HTML.escape(language))">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title>
        <style>\(style)</style>
        </head>

        """
    }

    static func ratio(_ part: JSONValue?, _ whole: JSONValue?) -> JSONValue? {
        guard case .int(let p)? = part, case .int(let w)? = whole, w > 0 else { return nil }
        return .double(Statistics.round(Double(p) / Double(w), 3))
    }

    static func question(_ q: JSONValue, index: Int, groups: [JSONValue], by: String, _ t: Words, level: Int = 2, textLimit: Int? = nil) -> String {
        func text(_ v: JSONValue?) -> String { HTML.escape(plainText(v)) }
        let anchor = "q\(index + 1)"
        var out = "<section aria-labelledby=\"\(anchor)\">\n<h\(level) id=\"\(anchor)\">\(text(q["text"]))</h\(level)>\n"
        out += "<p class=\"meta\">\(t.answered): \(t.number(q["answered"])) · \(t.skipped): \(t.number(q["skipped"])) · \(t.notShown): \(t.number(q["not_shown"]))</p>\n"
        if let options = q["options"]?.array {
            out += q["type"] == .string("ranking") ? ranking(options, label: text(q["text"]), t) : bars(options, caption: nil, label: text(q["text"]), t)
        }
        for row in q["rows"]?.array ?? [] {
            let caption = "\(text(row["label"])) (\(t.answered): \(t.number(row["answered"])))"
            out += bars(row["options"]?.array ?? [], caption: caption, label: caption, t)
        }
        let statistics = ["mean", "median", "stddev", "min", "q1", "q3", "max", "sum"].filter { q[$0] != nil }
        if !statistics.isEmpty {
            out += "<dl class=\"stats\">" + statistics.map { "<div><dt>\(t.statistic($0))</dt><dd>\(t.number(q[$0]))</dd></div>" }.joined() + "</dl>\n"
        }
        for (key, heading) in [("answers", t.answers), ("other", t.otherAnswers)] {
            guard let texts = q[key]?.array, !texts.isEmpty else { continue }
            let shown = texts.prefix(textLimit ?? texts.count)
            out += "<h\(level + 1)>\(heading)</h\(level + 1)>\n<ul class=\"texts\">\n" + shown.map { "<li dir=\"auto\">\(text($0))</li>\n" }.joined() + "</ul>\n"
            if shown.count < texts.count { out += "<p>\(t.moreTexts(texts.count - shown.count, shown: shown.count))</p>\n" }
        }
        out += breakdown(q, index: index, groups: groups, by: by, t)
        return out + "</section>\n"
    }

    /// A table of options with count, percent and a bar each.
    static func bars(_ options: [JSONValue], caption: String?, label: String, _ t: Words) -> String {
        var out = "<table class=\"bars\">\n"
        if let caption { out += "<caption>\(caption)</caption>\n" }
        out += "<thead><tr><th scope=\"col\">\(t.answer)</th><th scope=\"col\">\(t.count)</th><th scope=\"col\">\(t.percent)</th><th scope=\"col\" class=\"bar\"><span class=\"visually-hidden\">\(t.chart)</span></th></tr></thead>\n<tbody>\n"
        for o in options {
            let percent: Double
            switch o["percent"] { case .double(let p)?: percent = p; case .int(let p)?: percent = Double(p); default: percent = 0 }
            out += "<tr><th scope=\"row\">\(breakable(plainText(o["label"])))</th><td>\(t.number(o["count"]))</td><td>\(t.percent(percent))</td>"
            out += "<td class=\"bar\"><svg aria-hidden=\"true\" focusable=\"false\" width=\"100%\" height=\"16\" viewBox=\"0 0 100 16\" preserveAspectRatio=\"none\">"
            out += "<rect x=\"0\" y=\"2\" width=\"100\" height=\"12\" class=\"track\"/><rect x=\"0\" y=\"2\" width=\"\(JSONNumber.text(min(max(percent, 0), 100)))\" height=\"12\" class=\"fill\"/></svg></td></tr>\n"
        }
        return scrollable(out + "</tbody>\n</table>\n", label: label)
    }

    /// A table in a region that scrolls sideways on its own when it is wider than a phone, so the
    /// page never does (keyboard users reach the region with Tab). `label`: escaped HTML text.
    static func scrollable(_ table: String, label: String) -> String {
        "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"\(label)\">\n" + table + "</div>\n"
    }

    /// `text` escaped, with a line-break opportunity (`<wbr>`) after each `/` and every 12th
    /// character of a word longer than 20 characters (a compound noun, a URL). A table's label
    /// column is then no wider than such a piece, so a table of long labels fits a phone's width
    /// (or scrolls in its region far less) while ordinary words stay whole.
    static func breakable(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            guard word.count > 20 else { return HTML.escape(String(word)) }
            var out = "", run = 0
            for character in word {
                out += HTML.escape(String(character))
                run += 1
                if character == "/" || run == 12 { out += "<wbr>"; run = 0 }
            }
            return out
        }.joined(separator: " ")
    }

    static func ranking(_ options: [JSONValue], label: String, _ t: Words) -> String {
        var out = "<table>\n<thead><tr><th scope=\"col\">\(t.answer)</th><th scope=\"col\">\(t.meanRank)</th><th scope=\"col\">\(t.firstPlaces)</th><th scope=\"col\">\(t.ranked)</th></tr></thead>\n<tbody>\n"
        for o in options {
            out += "<tr><th scope=\"row\">\(breakable(plainText(o["label"])))</th><td>\(t.number(o["mean_rank"]))</td><td>\(t.number(o["first"]))</td><td>\(t.number(o["ranked"]))</td></tr>\n"
        }
        return scrollable(out + "</tbody>\n</table>\n", label: label)
    }

    /// The question per group: percent of each option (choices, scales), or mean and median
    /// (numbers), or mean rank (rankings). Withheld groups are named as withheld.
    static func breakdown(_ q: JSONValue, index: Int, groups: [JSONValue], by: String, _ t: Words) -> String {
        guard !groups.isEmpty, q["type"] != .string("text") else { return "" }
        func entry(_ g: JSONValue) -> JSONValue? { g["questions"]?.array?[safe: index] }
        var tables: [(caption: String, columns: [String], cells: (JSONValue) -> [String])] = []
        func optionLabels(_ options: JSONValue?) -> [String] { (options?.array ?? []).map { breakable(plainText($0["label"])) } }
        switch q["type"] {
        case .string("number")?:
            tables.append(("", [t.answered, t.statistic("mean"), t.statistic("median")],
                           { [t.number($0["answered"]), t.number($0["mean"]), t.number($0["median"])] }))
        case .string("ranking")?:
            tables.append(("", optionLabels(q["options"]).map { "\($0) (\(t.meanRank))" },
                           { e in (e["options"]?.array ?? []).map { t.number($0["mean_rank"]) } }))
        case .string("matrix")?:
            for (r, row) in (q["rows"]?.array ?? []).enumerated() {
                tables.append((HTML.escape(plainText(row["label"])), [t.answered] + optionLabels(row["options"]),
                               { e in let rowEntry = e["rows"]?.array?[safe: r]
                                   return [t.number(rowEntry?["answered"])] + (rowEntry?["options"]?.array ?? []).map { t.percentValue($0["percent"]) } }))
            }
        default:
            tables.append(("", [t.answered] + optionLabels(q["options"]) + (q["mean"] != nil ? [t.statistic("mean")] : []),
                           { e in [t.number(e["answered"])] + (e["options"]?.array ?? []).map { t.percentValue($0["percent"]) }
                               + (e["mean"] != nil ? [t.number(e["mean"])] : []) }))
        }
        var out = ""
        for table in tables {
            let caption = "\(t.by) \(by)\(table.caption.isEmpty ? "" : ": " + table.caption)"
            var html = "<table class=\"groups\">\n<caption>\(caption)</caption>\n"
            html += "<thead><tr><th scope=\"col\">\(by)</th>" + table.columns.map { "<th scope=\"col\">\($0)</th>" }.joined() + "</tr></thead>\n<tbody>\n"
            for g in groups {
                html += "<tr><th scope=\"row\">\(g["value"] == .null ? t.none : breakable(plainText(g["value"])))</th>"
                if let e = entry(g) {
                    html += table.cells(e).map { "<td>\($0)</td>" }.joined()
                } else {
                    html += "<td colspan=\"\(table.columns.count)\">\(t.withheldShort)</td>"
                }
                html += "</tr>\n"
            }
            out += scrollable(html + "</tbody>\n</table>\n", label: caption)
        }
        return out
    }

    /// The report's style sheet (also used where the report is shown inside another page).
    public static let css = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff;line-height:1.5;margin:0}
    main{max-width:60rem;margin:0 auto;padding:1rem}
    h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-top:1px solid #bbb;padding-top:1rem}h3{font-size:1.05rem}h4{font-size:1.05rem}
    h2.page{font-size:1.45rem;border-top:3px solid #333}h2.page~section>h3:first-child{font-size:1.25rem;margin-top:2rem;border-top:1px solid #bbb;padding-top:1rem}
    .meta{color:#444}
    table{border-collapse:collapse;width:100%;margin:.75rem 0}
    .scroll{overflow-x:auto;max-width:100%;position:relative}.scroll:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
    h1,h2,h3,p,li,dt,dd,caption{overflow-wrap:break-word;overflow-wrap:anywhere}
    caption{text-align:left;font-weight:600;padding:.25rem 0}
    th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:middle}
    td{font-variant-numeric:tabular-nums}
    th[scope=row]{font-weight:normal}
    thead th{overflow-wrap:normal}
    .bars td.bar,.bars th.bar{width:40%}
    svg{display:block}.track{fill:#e8eef3}.fill{fill:#1d5f8a}
    .stats{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;margin:.5rem 0}.stats dt{color:#444;font-size:.9rem}.stats dd{margin:0;font-weight:600}
    .texts li{margin:.25rem 0}
    .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
    @media (max-width:30rem){th,td{padding:.3rem .35rem}}
    @media print{main{max-width:none}section{break-inside:avoid-page}h2{break-after:avoid}.fill{fill:#000}.track{fill:#ddd}.bars td.bar,.bars th.bar{width:25%}}
    """

    /// The report's own words, in German or English, and numbers as each writes them.
    struct Words {
        let german: Bool
        init(language: String) { german = language != "en" }
        func pick(_ de: String, _ en: String) -> String { german ? de : en }
        var results: String { pick("Ergebnisse", "Results") }
        var generated: String { pick("Stand:", "Generated") }
        var responses: String { pick("Antworten", "Responses") }
        var invited: String { pick("Eingeladen", "Invited") }
        var rate: String { pick("Rücklaufquote", "Response rate") }
        var responsesBy: String { pick("Rücklauf nach", "Responses by") }
        var by: String { pick("Nach", "By") }
        var none: String { pick("(ohne Angabe)", "(none)") }
        var answered: String { pick("beantwortet", "answered") }
        var skipped: String { pick("übersprungen", "skipped") }
        var notShown: String { pick("nicht gezeigt", "not shown") }
        var answer: String { pick("Antwort", "Answer") }
        var count: String { pick("Anzahl", "Count") }
        var percent: String { pick("Prozent", "Percent") }
        var chart: String { pick("Balken", "Bar") }
        var meanRank: String { pick("mittlerer Rang", "mean rank") }
        var firstPlaces: String { pick("erste Plätze", "first places") }
        var ranked: String { pick("gerankt", "ranked") }
        var answers: String { pick("Antworten im Wortlaut", "Answers as written") }
        var otherAnswers: String { pick("Sonstiges im Wortlaut", "Other, as written") }
        func moreTexts(_ more: Int, shown: Int) -> String {
            pick("Die ersten \(shown) in alphabetischer Reihenfolge; \(number(.int(more))) weitere im vollständigen Bericht (HTML herunterladen).",
                 "The first \(shown) in alphabetical order; \(number(.int(more))) more in the full report (download the HTML).")
        }
        var withheldShort: String { pick("nicht ausgewiesen (zu wenige Antworten)", "withheld (too few responses)") }
        func withheld(_ minimum: String) -> String { pick("weniger als \(minimum), nicht ausgewiesen", "fewer than \(minimum), withheld") }
        func withheldNote(_ minimum: String) -> String {
            pick("Gruppen mit weniger als \(minimum) Antworten werden nicht ausgewiesen; ist nur eine Gruppe so klein, wird auch die nächstkleinere nicht ausgewiesen, damit sich keine Zahl zurückrechnen lässt. Freitexte erscheinen nur insgesamt.",
                 "Groups with fewer than \(minimum) responses are withheld; where only one group is that small, the next smallest is withheld too, so that no count can be worked out. Free text appears only overall.")
        }
        func statistic(_ key: String) -> String {
            switch key {
            case "mean": return pick("Mittelwert", "mean")
            case "median": return pick("Median", "median")
            case "stddev": return pick("Standardabweichung", "standard deviation")
            case "min": return pick("Minimum", "minimum")
            case "max": return pick("Maximum", "maximum")
            case "q1": return pick("1. Quartil", "first quartile")
            case "q3": return pick("3. Quartil", "third quartile")
            case "sum": return pick("Summe", "sum")
            default: return key
            }
        }
        func number(_ v: JSONValue?) -> String { HTML.escape(plainText(v, decimalComma: german, null: "–")) }
        func percent(_ p: Double) -> String { number(.double(p)) + "\u{a0}%" }
        func percentValue(_ v: JSONValue?) -> String {
            switch v { case .double(let p)?: return percent(p); case .int(let p)?: return percent(Double(p)); default: return "–" }
        }
        func rate(_ v: JSONValue?) -> String {
            switch v { case .double(let r)?: return percent(Statistics.round(r * 100, 1)); case .int(let r)?: return percent(Double(r * 100)); default: return "–" }
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
