import Foundation
import JSON
import Survey

/// The published document (`PublishedResults`) as the inside of a public page: the note, the
/// responses per group, and every question as the HTML report draws it (a table of counts and
/// percents with bars, statistics, a table per breakdown). Nothing here reads free text: the
/// document has none.
public enum PublishedResultsPage {
    /// The page's `<main>` content (escaped HTML) and the style sheet it needs beside the page's own.
    public static func body(_ document: JSONValue, language: String) -> String {
        let t = HTMLReport.Words(language: language)
        let w = Words(german: t.german)
        func text(_ v: JSONValue?) -> String { HTML.escape(plainText(v)) }
        let minimum = plainText(document["min_group_size"])
        var out = "<style>\(style)</style>\n<h1>\(text(document["title"]))</h1>\n"
        out += "<p class=\"meta\">\(w.heading) · \(t.generated) \(HTML.escape(plainText(document["generated_at"]).prefix(16).replacingOccurrences(of: "T", with: " "))) · \(t.responses): \(t.number(document["responses"]))"
        if document["invited"] != .null && document["invited"] != nil {
            out += " · \(t.invited): \(t.number(document["invited"])) · \(t.rate): \(t.rate(document["response_rate"]))"
        }
        out += "</p>\n"
        if case .string(let note)? = document["note"], !note.isEmpty {
            out += "<section class=\"note\" aria-labelledby=\"note\">\n<h2 id=\"note\">\(w.note)</h2>\n"
            out += note.split(separator: "\n", omittingEmptySubsequences: true).map { "<p dir=\"auto\">\(HTML.escape(String($0)))</p>\n" }.joined()
            out += "</section>\n"
        }
        let breakdowns = (document["breakdowns"]?.array ?? []).map { (by: plainText($0["by"]), groups: $0["groups"]?.array ?? []) }
        for (number, breakdown) in breakdowns.enumerated() {
            let by = HTML.escape(breakdown.by)
            var table = "<table>\n<caption>\(t.responsesBy) \(by)</caption>\n<thead><tr><th scope=\"col\">\(by)</th><th scope=\"col\">\(t.responses)</th></tr></thead>\n<tbody>\n"
            for g in breakdown.groups {
                let value = g["value"] == .null ? t.none : HTMLReport.breakable(plainText(g["value"]))
                let count = g["suppressed"] == .bool(true) ? t.withheld(minimum) : t.number(g["responses"])
                table += "<tr><th scope=\"row\">\(value)</th><td>\(count)</td></tr>\n"
            }
            out += (number == 0 ? "<p>\(t.withheldNote(minimum))</p>\n" : "") + HTMLReport.scrollable(table + "</tbody>\n</table>\n", label: "\(t.responsesBy) \(by)")
        }
        for (index, q) in (document["questions"]?.array ?? []).enumerated() {
            var section = HTMLReport.question(q, index: index, groups: [], by: "", t)
            if section.hasSuffix("</section>\n") { section.removeLast("</section>\n".count) }
            for breakdown in breakdowns {
                section += HTMLReport.breakdown(q, index: index, groups: breakdown.groups, by: HTML.escape(breakdown.by), t)
            }
            out += section + "</section>\n"
        }
        return out
    }

    /// The report's style without its page rules (the public page has its own body and main).
    static let style = HTMLReport.css.split(separator: "\n").filter { !$0.hasPrefix("body{") && !$0.hasPrefix("main{") }.joined(separator: "\n")

    struct Words {
        let german: Bool
        var heading: String { german ? "Ergebnisse der Umfrage" : "Survey results" }
        var note: String { german ? "Wie es weitergeht" : "What happens next" }
    }
}
