import Foundation
import Mail
import Survey

/// `templates/page.html`, if present, wraps every public page so that a municipality can add its
/// logo, colours, imprint (Impressum) and privacy links. It uses `{{lang}}`, `{{title}}` and
/// `{{content}}` (the page itself); values are HTML-escaped, the content is inserted as it is.
public struct PageFrame: Sendable {
    let template: Template?

    public static let names = ["lang", "title", "content"]
    private static let marker = "\u{1}content\u{1}"

    /// No frame: the built-in page layout.
    public static let plain = PageFrame(template: nil)

    /// Reads `DIR/page.html`; none there is the plain frame.
    /// - Throws: `TemplateError` for a broken template or an unknown placeholder.
    public static func load(directory: String) throws -> PageFrame {
        let path = (directory as NSString).appendingPathComponent("page.html")
        guard let data = FileManager.default.contents(atPath: path) else { return .plain }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TemplateError(path: path, mark: Mark(line: 1, column: 1), message: "the template is not valid UTF-8; save it as UTF-8")
        }
        let template = try Template(text, path: path)
        if let error = template.unknownNames(known: names).first { throw error }
        guard template.names.contains(where: { $0.0 == "content" }) else {
            throw TemplateError(path: path, mark: Mark(line: 1, column: 1), message: "page.html must contain {{content}} where the page goes")
        }
        return PageFrame(template: template)
    }

    /// The whole document, or nil for the built-in layout.
    func wrap(language: String, title: String, body: String) -> String? {
        guard let template else { return nil }
        let html = template.render(["lang": language, "title": title, "content": Self.marker], escapeHTML: true)
        return html.replacingOccurrences(of: HTML.escape(Self.marker), with: body)
    }
}
