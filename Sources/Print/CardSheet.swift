import Foundation
import QR
import Store
import Survey

/// Code cards: slips to cut out and hand out in a class, a youth club or a Kita, 8 on an A4
/// sheet in a grid of 2 × 4 cards of 95 × 68 mm, with crop marks in the margins and dashed
/// cut lines. Each card: the survey's title, the personal QR code (`BASE/c/CODE`), the short
/// link `BASE/c` to type the code at, the code and the closing date, in the survey's default
/// language (code-only participants have none of their own).
public struct CardSheet {
    let survey: Survey
    let baseURL: String
    let language: String

    public static let cardsPerSheet = 8
    static let columns = 2, rows = 4
    /// The grid's position and each card's size, in millimetres.
    static let left = 10.0, top = 12.5, cardWidth = 95.0, cardHeight = 68.0

    public init(survey: Survey, baseURL: String) {
        self.survey = survey
        self.baseURL = baseURL
        language = survey.defaultLanguage
    }

    /// The document shell: title and style; the sheets come from `sheets(_:)`.
    public var document: PrintDocument {
        let title = PrintText.text("cards.title", language) + ": " + survey.title.text(language, default: survey.defaultLanguage)
        return PrintDocument(language: language, title: title, style: Self.style, body: "")
    }

    /// The whole document.
    public func html(_ recipients: [LetterRecipient]) throws -> String {
        var shell = document
        var body = ""
        try sheets(recipients) { body += $0 }
        shell.body = body
        return shell.html
    }

    /// Hands each sheet of 8 cards (the last may hold fewer) to `write`, in order.
    /// - Throws: `QRError` when the link does not fit a QR code, or what `write` throws.
    public func sheets(_ recipients: [LetterRecipient], _ write: (String) throws -> Void) throws {
        let title = HTML.escape(survey.title.text(language, default: survey.defaultLanguage))
        let closes = survey.closesText(language)
        let closing = closes.isEmpty ? "" : "<p class=\"closes\">\(HTML.escape(PrintText.text("closes", language, closes)))</p>"
        let short = HTML.escape(PrintText.typed(baseURL + "/c"))
        let label = PrintText.text("qr.personal", language)
        var start = 0
        while start < recipients.count {
            let batch = recipients[start..<min(start + Self.cardsPerSheet, recipients.count)]
            var out = "<section class=\"sheet cards\">" + Self.cropMarks + "<div class=\"grid\">"
            for recipient in batch {
                let qr = try QRCode(text: baseURL + "/c/" + recipient.code).svg(label: label)
                out += "<div class=\"card\"><p class=\"title\">\(title)</p><div class=\"body\"><div class=\"qr\">\(qr)</div><div class=\"how\">"
                out += "<p>\(PrintText.text("card.scan", language))</p><p class=\"code\">\(AccessCode.formatted(recipient.code))</p></div></div>"
                out += "<p class=\"at\">\(PrintText.text("card.at", language)): <span class=\"link\">\(short)</span></p>"
                out += "<p class=\"once\">\(PrintText.text("access.once", language))</p>\(closing)</div>"
            }
            out += "</div></section>\n"
            try write(out)
            start += Self.cardsPerSheet
        }
    }

    /// Short lines in the margins where the cuts go: at each column and row edge of the grid.
    static let cropMarks: String = {
        var marks = ""
        for c in 0...columns {
            let x = left + Double(c) * cardWidth
            marks += "<i class=\"crop v\" style=\"left:\(x)mm;top:0\"></i><i class=\"crop v\" style=\"left:\(x)mm;bottom:0\"></i>"
        }
        for r in 0...rows {
            let y = top + Double(r) * cardHeight
            marks += "<i class=\"crop h\" style=\"top:\(y)mm;left:0\"></i><i class=\"crop h\" style=\"top:\(y)mm;right:0\"></i>"
        }
        return marks
    }()

    static let style = """
    .crop{position:absolute;display:block;background:#000}
    .crop.v{width:.25mm;height:8mm;margin-left:-.125mm}
    .crop.h{height:.25mm;width:7mm;margin-top:-.125mm}
    .grid{position:absolute;left:10mm;top:12.5mm;width:190mm;height:272mm;display:grid;grid-template-columns:95mm 95mm;grid-template-rows:repeat(4,68mm)}
    .card{position:relative;overflow:hidden;padding:5mm 6mm 4mm;outline:.2mm dashed #999;outline-offset:-.1mm;display:flex;flex-direction:column}
    .card p{margin:0}
    .card .title{font-weight:bold;font-size:11pt;line-height:1.25;max-height:2.5em;overflow:hidden;margin-bottom:2.5mm}
    .card .body{display:flex;gap:4mm;align-items:center}
    .card .qr{flex:0 0 34mm}.card .qr svg{display:block;width:34mm;height:34mm}
    .card .how{flex:1;min-width:0;font-size:9pt;line-height:1.35}
    .card .link,.card .code{font-family:"DejaVu Sans Mono","Liberation Mono",monospace}
    .card .code{font-size:13pt;font-weight:bold;white-space:nowrap;margin-top:2mm}
    .card .at{font-size:9pt;margin-top:2mm;overflow-wrap:anywhere}
    .card .link{font-weight:bold;font-size:9.5pt}
    .card .once{font-size:7.5pt;color:#333;margin-top:auto}
    .card .closes{font-size:8.5pt;font-weight:bold}
    """
}
