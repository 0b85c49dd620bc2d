import Foundation
import JSON
import Mail
import QR
import Store
import Survey

/// Letters to participants without email: one A4 sheet each, DIN 5008 form B. The letterhead
/// and return line from the template's `Sender:`, the address in the window (45 mm from the
/// top, 20 mm from the left, 85 × 45 mm; empty for code-only participants; name, street and
/// town at most two lines each, so a very long name never hides the town), date and access
/// code beside it, fold and hole marks, the subject, the template's text, and below it the
/// personal QR code (`BASE/c/CODE`), the link and the code spelled out.
///
/// A text longer than its room is set smaller (11, 10, then 9 pt); one too long even then is
/// cut at the last whole line and the page says so. Every letter stays one sheet.
public struct LetterDocument {
    let survey: Survey
    let baseURL: String
    /// Per language: the template compiled with the survey's values.
    private var prepared: [String: Prepared] = [:]
    private let attributes: [String]

    private struct Prepared {
        let subject: CompiledTemplate
        let sender: CompiledTemplate?
        let text: CompiledTemplate
        let date: String
    }

    /// The slots every letter fills, in this order, before the attributes.
    private static let personalNames = ["name", "link", "code"]

    /// - Parameters:
    ///   - templates: the letter template of each language letters are printed in; a
    ///     participant's language without one reads the default language's.
    ///   - date: the day the letters are dated.
    public init(survey: Survey, templates: [String: LetterTemplate], baseURL: String, date: Date = Date()) {
        self.survey = survey
        self.baseURL = baseURL
        let usesAttributes = templates.values.contains { $0.names.contains { $0.0.hasPrefix("attributes.") } }
        attributes = usesAttributes ? survey.attributes : []
        let slots = Self.personalNames + attributes.map { "attributes.\($0)" }
        for (language, template) in templates {
            let known = ["survey.title": survey.title.text(language, default: survey.defaultLanguage), "survey.closes": survey.closesText(language)]
            prepared[language] = Prepared(subject: template.subject.compiled(known: known, slots: slots, escapeHTML: true),
                                          sender: template.sender?.compiled(known: known, slots: slots, escapeHTML: true),
                                          text: template.text.compiled(known: known, slots: slots, escapeHTML: true),
                                          date: Self.dateText(date, language: language, timeZone: survey.timeZone))
        }
    }

    /// The language a participant's letter is written in: theirs when the survey has it.
    public func language(of recipient: LetterRecipient) -> String {
        recipient.language.flatMap { survey.languages.contains($0) ? $0 : nil } ?? survey.defaultLanguage
    }

    /// The document shell: title and style; the sheets come from `sheet(for:)`.
    public var document: PrintDocument {
        PrintDocument(language: survey.defaultLanguage, title: survey.title.text(survey.defaultLanguage, default: survey.defaultLanguage),
                      style: Self.style, body: "")
    }

    /// The whole document, for tests and small batches; `LetterRecipient`s in order.
    public func html(_ recipients: [LetterRecipient]) throws -> String {
        var shell = document
        shell.body = try recipients.map { try sheet(for: $0).html }.joined(separator: "\n")
        return shell.html
    }

    /// One letter: a `<section class="sheet letter">`, and whether its text was cut.
    /// - Throws: `QRError` when the link does not fit a QR code (a base URL of 2,000 characters).
    public func sheet(for recipient: LetterRecipient) throws -> (html: String, cut: Bool) {
        let language = language(of: recipient)
        guard let template = prepared[language] ?? prepared[survey.defaultLanguage] else {
            preconditionFailure("LetterDocument needs the template of \(language) or of \(survey.defaultLanguage)")
        }
        let link = baseURL + "/c/" + recipient.code
        let code = AccessCode.formatted(recipient.code)
        var values = [recipient.name ?? "", link, code]
        if !attributes.isEmpty {
            let members = recipient.attributeValues
            for name in attributes { values.append(members.first { $0.0 == name }?.1 ?? "") }
        }
        let subject = Self.rendered(template.subject, values)
        let sender = template.sender.map { Self.rendered($0, values) } ?? ""
        let text = Self.rendered(template.text, values)
        let fit = TextFit.choose(text)
        let qr = try QRCode(text: link).svg(label: PrintText.text("qr.personal", language))

        var out = "<section class=\"sheet letter\" lang=\"\(HTML.escape(language))\">"
        out += "<i class=\"fold f1\"></i><i class=\"fold f2\"></i><i class=\"fold hole\"></i>"
        if !sender.isEmpty {
            let parts = sender.components(separatedBy: " · ").filter { !$0.isEmpty }
            out += "<header class=\"head\">" + parts.enumerated().map { i, part in i == 0 ? "<p class=\"org\">\(part)</p>" : "<p>\(part)</p>" }.joined() + "</header>"
        }
        out += "<div class=\"window\">"
        if !sender.isEmpty { out += "<p class=\"return\">\(sender)</p>" }
        out += "<p class=\"address\">\(recipient.addressLines.map { "<span>\(HTML.escape($0))</span>" }.joined())</p></div>"
        out += "<dl class=\"info\"><dt>\(PrintText.text("date", language))</dt><dd>\(HTML.escape(template.date))</dd>"
        out += "<dt>\(PrintText.text("code", language))</dt><dd class=\"mono\">\(code)</dd></dl>"
        out += "<h1 class=\"subject\">\(subject)</h1>"
        out += "<div class=\"text\" style=\"font-size:\(fit.points)pt\(fit.cut ? ";height:calc(\(fit.lines) * 1.4em)" : "")\">\(text)</div>"
        if fit.cut { out += "<p class=\"cut\">\(PrintText.text("cut", language))</p>" }
        out += "<div class=\"access\"><div class=\"qr\">\(qr)</div><div class=\"how\">"
        out += "<p class=\"lead\">\(PrintText.text("access.title", language))</p>"
        out += "<p>\(PrintText.text("access.scan", language))</p><p class=\"link\">\(HTML.escape(link))</p>"
        out += "<p>\(PrintText.text("access.type", language, HTML.escape(PrintText.typed(baseURL + "/c"))))</p>"
        out += "<p class=\"code\">\(code)</p></div></div></section>\n"
        return (out, fit.cut)
    }

    /// A compiled template with `values`, without the blank lines and spaces around it.
    static func rendered(_ template: CompiledTemplate, _ values: [String]) -> String {
        var bytes: [UInt8] = []
        template.render(values, into: &bytes)
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x0A || bytes[start] == 0x20 || bytes[start] == 0x0D { start += 1 }
        while end > start, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x20 || bytes[end - 1] == 0x0D || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The date as a letter in `language` writes it ("3. März 2027", "March 3, 2027").
    static func dateText(_ date: Date, language: String, timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language)
        formatter.timeZone = timeZone
        formatter.dateStyle = .long
        formatter.timeStyle = .none
        return formatter.string(from: date)
    }

    /// Positions in millimetres from the sheet's top left corner (DIN 5008, form B).
    static let style = """
    .letter{font-size:11pt}
    .letter p{margin:0}
    .fold{position:absolute;left:5mm;width:5mm;border-top:.25mm solid #000}
    .f1{top:105mm}.f2{top:210mm}.hole{top:148.5mm;width:8mm}
    .head{position:absolute;top:14mm;right:20mm;width:95mm;text-align:right;font-size:9pt;line-height:1.35;color:#222}
    .head .org{font-size:15pt;font-weight:bold;color:#000;line-height:1.2;margin-bottom:1mm}
    .window{position:absolute;left:20mm;top:45mm;width:85mm;height:45mm;overflow:hidden}
    .return{position:absolute;left:5mm;bottom:28.3mm;width:75mm;font-size:7pt;line-height:1.25;max-height:2.5em;overflow:hidden;text-decoration:underline}
    .address{position:absolute;left:5mm;top:17.7mm;width:75mm;height:27.3mm;overflow:hidden;line-height:4.55mm;overflow-wrap:anywhere}
    .address span{display:block;max-height:9.1mm;overflow:hidden}
    .info{position:absolute;left:125mm;top:50mm;width:65mm;margin:0;font-size:9pt;line-height:1.35;display:grid;grid-template-columns:auto 1fr;column-gap:3mm}
    .info dt{color:#444}.info dd{margin:0}
    .mono,.code,.link{font-family:"DejaVu Sans Mono","Liberation Mono",monospace}
    .subject{position:absolute;left:25mm;top:96mm;width:165mm;margin:0;font-size:11pt;font-weight:bold;line-height:1.4;max-height:3em;overflow:hidden}
    .text{position:absolute;left:25mm;top:108mm;width:165mm;height:128mm;overflow:hidden;line-height:1.4;white-space:pre-wrap;overflow-wrap:anywhere}
    .cut{position:absolute;left:25mm;top:231mm;width:165mm;font-size:9pt;font-weight:bold}
    .access{position:absolute;left:25mm;top:240mm;width:165mm;height:42mm;border-top:.3mm solid #000;padding-top:3mm;display:flex;gap:6mm}
    .access .qr{flex:0 0 34mm}.access .qr svg{display:block;width:34mm;height:34mm}
    .access .how{flex:1;min-width:0;font-size:9.5pt;line-height:1.35}
    .access .lead{font-weight:bold;font-size:10.5pt;margin-bottom:1mm}
    .access .link{font-size:9.5pt;margin-bottom:1.5mm;overflow-wrap:anywhere}
    .access .code{font-size:15pt;font-weight:bold;letter-spacing:.05em}
    """
}
