import HTTP
import Survey
import Web

/// A page of the organizers' console: the public pages' look (`Page.style`) with a header that
/// leads home and signs out, wider for tables, in English. Every console response carries
/// `ConsolePage.headers`: not cached, never framed, no referrer to other sites.
struct ConsolePage {
    var title: String
    /// Already escaped HTML inside `<main>`.
    var body: String
    var status = 200
    /// The session's CSRF token for the sign-out form; nil on the sign-in page.
    var csrf: String?
    /// More CSS before the console's own (the report's).
    var extraStyle = ""

    /// Security headers of every console response (pages, redirects, downloads).
    static let headers: [(String, String)] = [
        ("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        // same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` with the
        // console's own form posts, which the Origin check must refuse. Console URLs hold no token.
        ("Referrer-Policy", "same-origin"),
        ("Cache-Control", "no-store"),
    ]

    static let style = """
    main{max-width:64rem}
    .bar{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem;padding:.5rem 1rem;border-bottom:1px solid #bbb;font-size:1rem}
    .bar a{display:inline-block;min-height:44px;padding:.6rem .25rem;box-sizing:border-box;font-weight:600}
    .bar form{margin:0}
    .bar button{padding:.4rem 1rem}
    table{border-collapse:collapse;width:100%;margin:.75rem 0;font-size:1rem}
    caption{text-align:left;font-weight:600;padding:.25rem 0}
    th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
    td.n{text-align:right;font-variant-numeric:tabular-nums}
    .scroll{overflow-x:auto;max-width:100%}.scroll:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
    pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f6f8;border:1px solid #ccc;padding:.75rem;font-size:.9rem}
    .notice{border:3px solid #0b4f8a;padding:.25rem 1rem;margin:1rem 0}
    .problem{border:3px solid #b00020;padding:.25rem 1rem;margin:1rem 0}
    .actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:1rem 0}
    .actions form{margin:0}
    ul.links li{margin:.4rem 0}
    ul.links{list-style:none;padding-left:0}
    ul.links a{display:inline-block;min-height:44px;padding:.6rem 0;box-sizing:border-box}
    label.field{display:block;font-weight:600;margin:.75rem 0 .25rem}
    input[type=email],input[type=password]{font:inherit;width:100%;box-sizing:border-box;padding:.6rem;border:2px solid #555;border-radius:.3rem;min-height:44px}
    select{font:inherit;max-width:100%;padding:.4rem;border:2px solid #555;border-radius:.3rem;min-height:44px}
    select:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
    input:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
    h2{font-size:1.3rem;margin-top:2rem}
    """

    func response() -> Response {
        var header = "<header class=\"bar\"><a href=\"/admin\">Mitreden console</a>"
        if let csrf {
            header += "<form method=\"post\" action=\"/admin/logout\">\(Self.csrfField(csrf))<button type=\"submit\">Sign out</button></form>"
        }
        header += "</header>"
        let html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="same-origin">
        <title>\(HTML.escape(title)) – Mitreden console</title>
        <style>\(Page.style)\(extraStyle)\(Self.style)</style>
        </head>
        <body>
        \(header)
        <main>
        \(body)
        </main>
        </body>
        </html>

        """
        return Response(status: status, contentType: "text/html; charset=utf-8", body: html, headers: Self.headers)
    }

    /// The hidden field every state-changing form of the console carries.
    static func csrfField(_ csrf: String) -> String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(HTML.escape(csrf))\">"
    }

    /// `response` with the console's security headers (replacing any of the same name).
    static func secured(_ response: Response) -> Response {
        var response = response
        let names = Set(headers.map { $0.0.lowercased() })
        response.headers = response.headers.filter { !names.contains($0.0.lowercased()) } + headers
        return response
    }

    /// `303 See Other` to `location`, with the console's headers and `extra` ones (a cookie).
    static func redirect(_ location: String, extra: [(String, String)] = []) -> Response {
        Response(status: 303, headers: headers + [("Location", location)] + extra, body: Array("see \(location)\n".utf8))
    }

    /// A short page with a heading and a paragraph (errors, confirmations).
    static func message(_ status: Int, _ title: String, _ text: String, csrf: String?) -> Response {
        ConsolePage(title: title, body: "<h1>\(HTML.escape(title))</h1>\n<p>\(text)</p>\n<p><a href=\"/admin\">Back to all surveys</a></p>\n",
                    status: status, csrf: csrf).response()
    }
}
