import Foundation
import QR
import Survey

/// A poster for an open survey (`access: open`): one A4 sheet with the title, the intro, the
/// closing date, a QR code of the survey's link (`BASE/s/SURVEY`) 115 mm wide, and the link
/// spelled out, in the survey's default language. A long intro is set smaller, and cut off
/// at the bottom of its room rather than pushing the QR code off the sheet.
public struct Poster {
    let survey: Survey
    let baseURL: String

    public init(survey: Survey, baseURL: String) {
        self.survey = survey
        self.baseURL = baseURL
    }

    /// The survey's public link.
    public var link: String { baseURL + "/s/" + survey.id }

    /// The poster as a print document.
    /// - Throws: `QRError` when the link does not fit a QR code.
    public func document() throws -> PrintDocument {
        let language = survey.defaultLanguage
        let title = survey.title.text(language, default: language)
        let intro = survey.intro?.text(language, default: language).trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let closes = survey.closesText(language)
        let qr = try QRCode(text: link).svg(label: PrintText.text("qr.survey", language))
        // About 350 characters fit at 14 pt in the intro's room, 550 at 12; longer ones are set
        // smaller, and what does not fit then is cut. A long title too is set smaller.
        let introSize = intro.count <= 350 ? 14 : intro.count <= 550 ? 12 : 10.5
        let titleSize = title.count <= 50 ? 30 : title.count <= 90 ? 24 : 19
        var body = "<section class=\"sheet poster\"><p class=\"kicker\">\(PrintText.text("poster.kicker", language))</p>"
        body += "<h1 style=\"font-size:\(titleSize)pt\">\(HTML.escape(title))</h1>"
        if !intro.isEmpty { body += "<p class=\"intro\" style=\"font-size:\(introSize)pt\">\(HTML.escape(intro))</p>" }
        body += "<div class=\"qr\">\(qr)</div><div class=\"foot\">"
        body += "<p class=\"scan\">\(PrintText.text("poster.scan", language))</p>"
        body += "<p class=\"link\" style=\"\(Self.linkStyle(link))\">\(HTML.escape(link))</p>"
        if !closes.isEmpty { body += "<p class=\"closes\">\(HTML.escape(PrintText.text("closes", language, closes)))</p>" }
        if survey.anonymous { body += "<p class=\"anonymous\">\(PrintText.text("poster.anonymous", language))</p>" }
        body += "</div>"
        body += "</section>\n"
        return PrintDocument(language: language, title: title, style: Self.style, body: body)
    }

    /// The link on one line of the 180 mm the sheet leaves, at most 16 pt (a monospaced
    /// character is 0.6 em wide); one too long even at 9 pt wraps anywhere.
    static func linkStyle(_ link: String) -> String {
        let fitting = 180 / (Double(link.count) * 0.6 * 25.4 / 72)
        let points = min(16, fitting.rounded(.down))
        return points >= 9 ? "font-size:\(Int(points))pt;white-space:nowrap" : "font-size:9pt;overflow-wrap:anywhere"
    }

    static let style = """
    .poster{padding:18mm 20mm 0;text-align:center}
    .poster p{margin:0}
    .poster .kicker{font-size:14pt;letter-spacing:.2em;text-transform:uppercase;color:#333}
    .poster h1{line-height:1.15;margin:4mm 0 6mm;max-height:2.4em;overflow:hidden;overflow-wrap:anywhere}
    .poster .intro{line-height:1.4;max-height:48mm;overflow:hidden;white-space:pre-line;text-align:left}
    .poster .qr{position:absolute;left:47.5mm;top:118mm;width:115mm;height:115mm}
    .poster .qr svg{display:block;width:115mm;height:115mm}
    .poster .foot{position:absolute;left:15mm;right:15mm;top:238mm}
    .poster .scan{font-size:12pt;margin-bottom:1.5mm}
    .poster .link{font-family:"DejaVu Sans Mono","Liberation Mono",monospace;font-weight:bold;margin-bottom:5mm}
    .poster .closes{font-size:15pt;font-weight:bold;margin-bottom:1mm}
    .poster .anonymous{font-size:11pt;color:#333}
    """
}
