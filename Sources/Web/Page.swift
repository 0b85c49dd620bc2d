import HTTP
import Mail
import Survey

/// A public page: semantic HTML in the reader's language, readable on a phone, working without script,
/// with the security headers every public page carries.
public struct Page {
    var frame = PageFrame.plain
    var language: String
    var title: String
    /// Already escaped HTML.
    var body: String
    var status = 200

    /// A page of `body` (already escaped HTML) in `language`, wrapped in `frame`.
    public init(frame: PageFrame = .plain, language: String, title: String, body: String, status: Int = 200) {
        self.frame = frame
        self.language = language
        self.title = title
        self.body = body
        self.status = status
    }

    /// Security headers: no script but our own form script, no referrer (personal links carry
    /// tokens), no framing.
    public static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
    ]

    /// The built-in look. It reflows down to 320 CSS px (WCAG 2.1, 1.4.10) whatever the survey's
    /// texts: a word longer than the line (a compound noun, a URL) breaks where it must
    /// (`overflow-wrap:anywhere`, with `break-word` for browsers before it), a fieldset may be
    /// narrower than its content (its default minimum is the content's width), and a ranking's
    /// `select`, as wide as its longest option by default, takes the line's width instead.
    public static let style = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:1.125rem;line-height:1.5;color:#1a1a1a;background:#fff;margin:0;overflow-wrap:break-word;overflow-wrap:anywhere}
    main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem 3rem}
    h1{font-size:1.6rem;line-height:1.25}
    button{font:inherit;min-height:44px;min-width:44px;padding:.6rem 1.4rem;border:2px solid #0b4f8a;border-radius:.4rem;background:#0b4f8a;color:#fff;cursor:pointer}
    button:focus-visible,a:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
    a{color:#0b4f8a}
    nav{margin-top:2rem;font-size:1rem}
    nav a{display:inline-block;min-height:44px;padding:.6rem .25rem;box-sizing:border-box}
    fieldset{border:0;margin:0 0 1.75rem;padding:0;min-width:0}
    fieldset.row{margin:.75rem 0 .75rem .5rem}
    legend,.question>label{font-weight:600;padding:0;margin-bottom:.5rem;display:block}
    fieldset.row legend{font-weight:500}
    .question{margin:0 0 1.75rem}
    .option{display:flex;align-items:center;gap:.6rem;min-height:44px}
    .option input{width:1.5rem;height:1.5rem;margin:0;flex:none}
    .option label{flex:1;min-width:0;padding:.5rem 0}
    input[type=text],textarea,select{font:inherit;width:100%;box-sizing:border-box;padding:.6rem;border:2px solid #555;border-radius:.3rem;min-height:44px}
    input[aria-invalid],textarea[aria-invalid]{border-color:#b00020}
    .place{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:.5rem 0}
    .place label{min-width:5rem}
    .place select{flex:1 1 14rem;min-width:0;text-overflow:ellipsis}
    .help{color:#444;margin:.25rem 0 .5rem}
    .error{color:#b00020;font-weight:600;margin:.25rem 0 .5rem}
    .required{font-weight:400;color:#444}
    .summary{border:3px solid #b00020;padding:0 1rem;margin:1rem 0 2rem}
    .summary a{color:#b00020}
    input:focus-visible,select:focus-visible,textarea:focus-visible,.summary:focus{outline:3px solid #b35c00;outline-offset:2px}
    .pager{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}
    button.secondary{background:#fff;color:#0b4f8a}
    button.link{background:none;border:0;color:#0b4f8a;text-decoration:underline;padding:.6rem .25rem;font-size:1rem}
    .progress{margin:1rem 0 1.5rem}
    .progress p{margin:0 0 .25rem;font-size:1rem}
    progress{width:100%;height:.75rem;accent-color:#0b4f8a}
    .note{color:#444;font-size:1rem}
    [hidden]{display:none!important}
    .js .when{display:none}
    """

    /// The page as an HTML response with `securityHeaders`.
    public func response() -> Response {
        if let framed = frame.wrap(language: language, title: title, body: "<main>\n\(body)</main>") {
            return Response(status: status, contentType: "text/html; charset=utf-8", body: framed, headers: Page.securityHeaders)
        }
        let html = """
        <!DOCTYPE html>
        <html lang="\(HTML.escape(language))">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title))</title>
        <style>\(Page.style)</style>
        </head>
        <body>
        <main>
        \(body)
        </main>
        </body>
        </html>

        """
        return Response(status: status, contentType: "text/html; charset=utf-8", body: html, headers: Page.securityHeaders)
    }
}
