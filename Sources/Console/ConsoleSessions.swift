import Crypto
import Foundation
import HTTP
import Store
import Survey
import Web

/// Sign-in to the console: the admin token (compared in constant time) is exchanged for a
/// random session id (144 bits, `Token.make()`) in an `HttpOnly; SameSite=Strict; Path=/admin`
/// cookie (`Secure` when the base URL is https). The database keeps only the SHA-256 of the id,
/// so a copy of it signs nobody in; a session ends after 8 hours without use or on sign-out.
/// More than 5 wrong tokens from one client in a minute: `429`. Each session has a CSRF token
/// (an HMAC of the session id) that every state-changing form carries, and a `POST` whose
/// `Origin` is not the base URL's is refused.
struct ConsoleSessions: Sendable {
    static let cookieName = "mitreden_console"
    static let idle: TimeInterval = 8 * 3600

    let pool: DatabasePool
    /// SHA-256 of the admin token: compared with the SHA-256 of what was typed, so that the
    /// comparison takes the same time whatever its length.
    let tokenDigest: [UInt8]
    let secureCookie: Bool
    /// `scheme://host[:port]` of the base URL, lower-case.
    let origin: String
    let failures = RateLimiter(limit: 5, window: 60)
    let log: @Sendable (String, [(String, String)]) -> Void

    init(pool: DatabasePool, adminToken: String, baseURL: String, log: @escaping @Sendable (String, [(String, String)]) -> Void) {
        self.pool = pool
        tokenDigest = SHA256.hash(Array(adminToken.utf8))
        secureCookie = baseURL.lowercased().hasPrefix("https:")
        origin = Self.origin(of: baseURL)
        self.log = log
    }

    /// The origin (RFC 6454) of a URL: scheme, host and a port other than the scheme's default.
    static func origin(of url: String) -> String {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), var host = parts.host?.lowercased() else {
            return url.lowercased()
        }
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        let defaultPort = scheme == "https" ? 443 : 80
        return "\(scheme)://\(host)" + (parts.port.map { $0 == defaultPort ? "" : ":\($0)" } ?? "")
    }

    /// A signed-in session: the hash kept in the database and the CSRF token of its forms.
    struct Session: Sendable {
        let idHash: String
        let csrf: String
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    static func session(id: String) -> Session {
        Session(idHash: hex(SHA256.hash(Array(id.utf8))),
                csrf: Token.base64URL(HMAC.sha256(key: Array(id.utf8), message: Array("mitreden console csrf".utf8))))
    }

    /// The session id in the request's cookie, if it has the shape of one.
    static func cookieValue(_ request: Request) -> String? {
        for header in request.headers where header.name == "cookie" {
            for pair in header.value.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                if trimmed.hasPrefix(cookieName + "=") {
                    let value = trimmed.dropFirst(cookieName.count + 1)
                    if Token.isWellFormed(value) { return String(value) }
                }
            }
        }
        return nil
    }

    /// The request's live session, or nil (no cookie, unknown, expired).
    /// - Throws: when the database does not answer.
    func current(_ request: Request) throws -> Session? {
        guard let id = Self.cookieValue(request) else { return nil }
        let session = Self.session(id: id)
        return try pool.with { try $0.touchAdminSession(idHash: session.idHash, idle: Self.idle) } ? session : nil
    }

    /// Whether a `POST` may go on: its `Origin`, when sent, is the base URL's.
    func originAllowed(_ request: Request) -> Bool {
        guard let given = request.header("origin") else { return true }
        return given.trimmingCharacters(in: .whitespaces).lowercased() == origin
    }

    /// Whether the form's `csrf` field is the session's token.
    static func csrfValid(_ fields: [(String, String)], _ session: Session) -> Bool {
        guard let given = fields.first(where: { $0.0 == "csrf" })?.1 else { return false }
        return HMAC.constantTimeEqual(SHA256.hash(Array(given.utf8)), SHA256.hash(Array(session.csrf.utf8)))
    }

    func cookie(_ value: String, maxAge: Int?) -> String {
        "\(Self.cookieName)=\(value); Path=/admin; HttpOnly; SameSite=Strict" + (secureCookie ? "; Secure" : "")
            + (maxAge.map { "; Max-Age=\($0)" } ?? "")
    }

    // MARK: pages

    func loginPage(status: Int = 200, error: String? = nil) -> Response {
        var body = "<h1>Sign in</h1>\n"
        if let error { body += "<div class=\"problem\" role=\"alert\"><p id=\"token-error\">\(error)</p></div>\n" }
        body += """
        <p>The organizers' console shows every survey with its numbers, previews forms and mail, and starts mailings.
        Sign in with the admin token (the daemon's <code>MITREDEN_ADMIN_TOKEN</code>).</p>
        <form method="post" action="/admin/login">
        <label class="field" for="token">Admin token</label>
        <input type="password" id="token" name="token" autocomplete="current-password" required\(error == nil ? "" : " aria-invalid=\"true\" aria-describedby=\"token-error\"")>
        <p><button type="submit">Sign in</button></p>
        </form>

        """
        return ConsolePage(title: "Sign in", body: body, status: status).response()
    }

    /// `GET /admin/login`: the form, or home when already signed in.
    func showLogin(_ request: Request) -> Response {
        if (try? current(request)) ?? nil != nil { return ConsolePage.redirect("/admin") }
        return loginPage()
    }

    /// `POST /admin/login`.
    func login(_ request: Request) -> Response {
        guard originAllowed(request) else { return ConsolePage.message(403, "Refused", "This form was sent from another site.", csrf: nil) }
        let client = request.client
        if let wait = failures.retryAfter(client) {
            log("console_signin_limited", [("client", client)])
            var response = loginPage(status: 429, error: "Too many wrong tokens from this address. Try again in \(wait) seconds.")
            response.headers.append(("Retry-After", String(wait)))
            return response
        }
        let given = FormData.decode(request.body).first { $0.0 == "token" }?.1 ?? ""
        guard HMAC.constantTimeEqual(SHA256.hash(Array(given.utf8)), tokenDigest) else {
            failures.fail(client)
            log("console_signin_failed", [("client", client)])
            return loginPage(status: 403, error: "That is not the admin token. Check it and try again.")
        }
        let id = Token.make()
        do {
            try pool.with { try $0.createAdminSession(idHash: Self.session(id: id).idHash, idle: Self.idle) }
        } catch {
            return ConsolePage.message(503, "Try again", "The database does not answer; try again in a moment.", csrf: nil)
        }
        log("console_signed_in", [("client", client)])
        return ConsolePage.redirect("/admin", extra: [("Set-Cookie", cookie(id, maxAge: nil))])
    }

    /// `POST /admin/logout` (the caller has checked the session and its CSRF token).
    func logout(_ session: Session) -> Response {
        try? pool.with { try $0.deleteAdminSession(idHash: session.idHash) }
        log("console_signed_out", [])
        return ConsolePage.redirect("/admin/login", extra: [("Set-Cookie", cookie("", maxAge: 0))])
    }
}
