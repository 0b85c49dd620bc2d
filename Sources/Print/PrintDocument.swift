import Survey

/// A print-ready, self-contained HTML document: A4 pages by `@page` rules, nothing loaded from
/// outside (no fonts, images or scripts), so it opens in any browser and prints to PDF the
/// same everywhere. Letters, code cards, posters and paper questionnaires are built on it.
public struct PrintDocument {
    public var language: String
    public var title: String
    /// Style rules of the document kind, after the shared ones.
    public var style: String
    /// Already escaped HTML: the pages.
    public var body: String

    public init(language: String, title: String, style: String, body: String) {
        self.language = language
        self.title = title
        self.style = style
        self.body = body
    }

    /// Rules every print document shares: A4 without the browser's margins (each document sets
    /// its own inside the page), black on white, a sheet per `.sheet` element.
    public static let sharedStyle = """
    @page{size:A4;margin:0}
    *{box-sizing:border-box}
    html,body{margin:0;padding:0;background:#fff;color:#000}
    body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;font-size:11pt;line-height:1.4}
    .sheet{width:210mm;height:297mm;overflow:hidden;position:relative;page-break-after:always;break-after:page}
    .sheet:last-child{page-break-after:auto;break-after:auto}
    @media screen{body{background:#888}.sheet{background:#fff;margin:10mm auto;box-shadow:0 0 4mm rgba(0,0,0,.4)}}
    """

    /// The whole document.
    public var html: String { opening + body + closing }

    /// The document before its pages: written first when the pages are written one by one
    /// (10,000 letters need not be held in memory at once).
    public var opening: String {
        """
        <!DOCTYPE html>
        <html lang="\(HTML.escape(language))">
        <head>
        <meta charset="utf-8">
        <title>\(HTML.escape(title))</title>
        <style>
        \(Self.sharedStyle)
        \(style)
        </style>
        </head>
        <body>

        """
    }

    /// The document after its pages.
    public var closing: String { "\n</body>\n</html>\n" }
}
