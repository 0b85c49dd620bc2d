import HTTP
import Mail

/// A public page: semantic HTML in the reader's language, readable on a phone, no script,
/// with the security headers every public page carries.
struct Page {
    var language: String
    var title: String
    /// Already escaped HTML.
    var body: String
    var status = 200

    /// Security headers: no script at all, no referrer (personal links carry tokens), no framing.
    static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
    ]

    static let style = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:1.125rem;line-height:1.5;color:#1a1a1a;background:#fff;margin:0}
    main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem 3rem}
    h1{font-size:1.6rem;line-height:1.25}
    button{font:inherit;min-height:44px;min-width:44px;padding:.6rem 1.4rem;border:2px solid #0b4f8a;border-radius:.4rem;background:#0b4f8a;color:#fff;cursor:pointer}
    button:focus-visible,a:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
    a{color:#0b4f8a}
    nav{margin-top:2rem;font-size:1rem}
    """

    func response() -> Response {
        let html = """
        <!DOCTYPE html>
        <html lang="\(Template.escapeHTML(language))">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Template.escapeHTML(title))</title>
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
