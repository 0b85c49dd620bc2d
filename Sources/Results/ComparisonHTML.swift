import Foundation
import JSON
import Survey

extension ComparisonReport {
    /// One self-contained HTML file: per question a table of both waves and the change, with
    /// paired bars (the earlier wave light, this wave dark) hidden from assistive technology;
    /// the numbers are in the table.
    public static func html(_ document: JSONValue, language: String) -> String {
        let t = HTMLReport.Words(language: language)
        let german = t.german
        func text(_ v: JSONValue?) -> String { HTML.escape(plainText(v)) }
        let earlier = text(document["compare"]), now = text(document["survey"])
        var out = HTMLReport.head(language: language, title: "\(t.results): \(text(document["title"])) – \(german ? "Vergleich mit" : "compared with") \(earlier)",
                                  style: HTMLReport.css + """

            .prev{fill:#9cb8cc}.legend span{display:inline-block;width:1rem;height:.8rem;margin:0 .3rem 0 .8rem;vertical-align:middle}
            .legend .l-prev{background:#9cb8cc}.legend .l-now{background:#1d5f8a}
            """) + """
        <body>
        <main>
        <h1>\(text(document["title"]))</h1>
        <p class="meta">\(german ? "Vergleich" : "Comparison"): \(now) (\(t.responses): \(t.number(document["responses"]?["current"]))) \(german ? "mit" : "with") \(earlier) (\(t.responses): \(t.number(document["responses"]?["previous"])))</p>
        <p class="legend" aria-hidden="true"><span class="l-prev"></span>\(earlier)<span class="l-now"></span>\(now)</p>

        """
        func questions(_ list: JSONValue?, level: Int, prefix: String) {
            for (index, q) in (list?.array ?? []).enumerated() {
                let anchor = "\(prefix)q\(index + 1)"
                out += "<section aria-labelledby=\"\(anchor)\">\n<h\(level) id=\"\(anchor)\">\(text(q["text"]))</h\(level)>\n"
                guard q["in"] == .string("both") else {
                    let only = q["in"] == .string("current") ? now : earlier
                    out += "<p>\(german ? "Nur in" : "Only in") \(only).</p>\n</section>\n"
                    continue
                }
                var table = "<table class=\"bars\">\n<thead><tr><th scope=\"col\">\(t.answer)</th><th scope=\"col\">\(earlier)</th><th scope=\"col\">\(now)</th>"
                table += "<th scope=\"col\">\(german ? "Veränderung" : "Change")</th><th scope=\"col\" class=\"bar\"><span class=\"visually-hidden\">\(t.chart)</span></th></tr></thead>\n<tbody>\n"
                for line in lines(q, decimalComma: german) {
                    table += "<tr><th scope=\"row\">\(HTMLReport.breakable(line.label))</th><td>\(HTML.escape(line.previous))</td><td>\(HTML.escape(line.current))</td><td>\(HTML.escape(line.change))</td><td class=\"bar\">"
                    if line.label != "mean", !(q["type"] == .string("ranking")) {
                        func width(_ v: JSONValue?) -> String { JSONNumber.text(min(max(v?.number ?? 0, 0), 100)) }
                        table += "<svg aria-hidden=\"true\" focusable=\"false\" width=\"100%\" height=\"22\" viewBox=\"0 0 100 22\" preserveAspectRatio=\"none\">"
                        table += "<rect x=\"0\" y=\"1\" width=\"\(width(line.values[1]))\" height=\"9\" class=\"prev\"/><rect x=\"0\" y=\"12\" width=\"\(width(line.values[3]))\" height=\"9\" class=\"fill\"/></svg>"
                    }
                    table += "</td></tr>\n"
                }
                out += HTMLReport.scrollable(table + "</tbody>\n</table>\n", label: text(q["text"])) + "</section>\n"
            }
        }
        questions(document["questions"], level: 2, prefix: "")
        if let groups = document["groups"]?.array {
            out += "<h2>\(t.by) \(text(document["by"]))</h2>\n<p>\(german ? "Eine Gruppe, die in einer der beiden Wellen nicht ausgewiesen wird, wird in beiden nicht ausgewiesen." : "A group withheld in either wave is withheld in both.")</p>\n"
            for (number, g) in groups.enumerated() {
                let name = g["value"] == .null ? t.none : text(g["value"])
                out += "<section aria-labelledby=\"g\(number + 1)\">\n<h2 id=\"g\(number + 1)\">\(name)</h2>\n"
                if g["suppressed"] == .bool(true) {
                    out += "<p>\(t.withheldShort)</p>\n"
                } else {
                    questions(g["questions"], level: 3, prefix: "g\(number + 1)")
                }
                out += "</section>\n"
            }
        }
        return out + "</main>\n</body>\n</html>\n"
    }
}
