@testable import Console
import HTTP
import Testing

@Suite("Console sessions: origins, cookies, CSRF tokens")
struct ConsoleSessionsTests {
    @Test("the origin of a base URL is scheme, host and a port other than the default", arguments: [
        ("https://umfrage.lkee.de", "https://umfrage.lkee.de"),
        ("https://Umfrage.LKEE.de:443/pfad", "https://umfrage.lkee.de"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://example.org:80/", "http://example.org"),
        ("https://example.org:8443", "https://example.org:8443"),
    ])
    func origin(_ url: String, _ expected: String) {
        #expect(ConsoleSessions.origin(of: url) == expected)
    }

    @Test("the session cookie is found among others, and only with the shape of a token")
    func cookie() {
        let id = "abcdefghijklmnopqrstuvwx"
        let request = Request(method: "GET", path: "/admin", headers: [("cookie", "other=1; mitreden_console=\(id); x=y")])
        #expect(ConsoleSessions.cookieValue(request) == id)
        let forged = Request(method: "GET", path: "/admin", headers: [("cookie", "mitreden_console=short")])
        #expect(ConsoleSessions.cookieValue(forged) == nil)
    }

    @Test("the CSRF token is bound to the session: another session's token is refused")
    func csrf() {
        let one = ConsoleSessions.session(id: "abcdefghijklmnopqrstuvwx")
        let two = ConsoleSessions.session(id: "bbcdefghijklmnopqrstuvwx")
        #expect(one.csrf != two.csrf && one.idHash != two.idHash && one.idHash.count == 64)
        #expect(ConsoleSessions.csrfValid([("csrf", one.csrf)], one))
        #expect(!ConsoleSessions.csrfValid([("csrf", two.csrf)], one))
        #expect(!ConsoleSessions.csrfValid([], one))
    }
}

@Suite("Console mail view")
struct MailViewTests {
    @Test("a multipart message is taken apart and its parts decoded from quoted-printable")
    func multipart() {
        let message = "Subject: Hallo\r\nContent-Type: multipart/alternative; boundary=\"=_m_x\"\r\n\r\nThis is a multi-part message in MIME format.\r\n--=_m_x\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe, ein sehr langer=\r\n Satz\r\nZeile 2\r\n--=_m_x\r\n"
            + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p class=3D\"x\">Hi</p>\r\n--=_m_x--\r\n"
        let view = MailView(Array(message.utf8))
        #expect(view.headers.hasPrefix("Subject: Hallo\n"))
        #expect(view.text == "Grüße, ein sehr langer Satz\nZeile 2")
        #expect(view.html == "<p class=\"x\">Hi</p>")
    }

    @Test("a text-only message has no HTML part")
    func textOnly() {
        let view = MailView(Array("Subject: a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHallo=20Welt\r\n".utf8))
        #expect(view.text == "Hallo Welt\n" && view.html == nil)
    }
}
