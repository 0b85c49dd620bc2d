import Foundation

/// A mail ready to send: RFC 5322 bytes with CRLF line ends, and its envelope.
public struct Message: Sendable {
    /// The envelope sender (MAIL FROM), where bounces go.
    public var envelopeFrom: String
    /// The envelope recipient (RCPT TO).
    public var recipient: String
    public var messageID: String
    public var bytes: [UInt8]
}

/// Everything a message is built from.
public struct MessageParts: Sendable {
    public var from: MailAddress
    public var to: MailAddress
    public var subject: String
    public var text: String
    public var html: String?
    public var messageID: String
    public var date: Date
    /// The HTTPS (or HTTP) link for List-Unsubscribe and RFC 8058 one-click unsubscribe.
    public var unsubscribeURL: String?
    /// RFC 3834: set for mail the daemon sends on its own (reminders).
    public var autoSubmitted: Bool
    public var envelopeFrom: String
    /// The `From` and `Subject` header lines already encoded and folded, when the caller has
    /// them: they are the same for every message of a run, and encoding them is not free.
    public var fromLine: String?
    public var subjectLine: String?

    public init(from: MailAddress, to: MailAddress, subject: String, text: String, html: String?, messageID: String, date: Date,
                unsubscribeURL: String?, autoSubmitted: Bool, envelopeFrom: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
        self.unsubscribeURL = unsubscribeURL
        self.autoSubmitted = autoSubmitted
        self.envelopeFrom = envelopeFrom
    }

    /// The message: headers folded and encoded, UTF-8 bodies in quoted-printable,
    /// multipart/alternative when there is an HTML part. No value can add a header: every
    /// value is put on one line first.
    public func build() -> Message {
        var head = ""
        head += MIME.header("Date", Self.rfc5322Date(date))
        head += fromLine ?? MIME.header("From", from.headerValue)
        head += MIME.header("To", to.headerValue)
        head += subjectLine ?? MIME.header("Subject", MIME.unstructured(subject))
        head += MIME.header("Message-ID", "<\(messageID)>")
        head += MIME.header("MIME-Version", "1.0")
        if let unsubscribeURL {
            head += MIME.header("List-Unsubscribe", "<\(MIME.singleLine(unsubscribeURL))>")
            head += MIME.header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
        }
        if autoSubmitted { head += MIME.header("Auto-Submitted", "auto-generated") }
        var bytes = Array(head.utf8)
        let textPart = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        if let html {
            let boundary = "=_m_" + messageID.prefix(while: { $0 != "@" }).prefix(20)
            bytes += Array("Content-Type: multipart/alternative; boundary=\"\(boundary)\"\r\n\r\n".utf8)
            bytes += Array("This is a multi-part message in MIME format.\r\n--\(boundary)\r\n\(textPart)".utf8)
            MIME.quotedPrintable(text, into: &bytes)
            bytes += Array("\r\n--\(boundary)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
            MIME.quotedPrintable(html, into: &bytes)
            bytes += Array("\r\n--\(boundary)--\r\n".utf8)
        } else {
            bytes += Array(textPart.utf8)
            MIME.quotedPrintable(text, into: &bytes)
            bytes += [13, 10]
        }
        return Message(envelopeFrom: envelopeFrom, recipient: to.address, messageID: messageID, bytes: bytes)
    }

    /// `Sun, 22 Nov 2026 09:30:00 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
