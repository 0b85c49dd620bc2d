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
    /// The bodies as UTF-8.
    public var text: [UInt8]
    public var html: [UInt8]?
    public var messageID: String
    public var date: Date
    /// The HTTPS (or HTTP) link for List-Unsubscribe and RFC 8058 one-click unsubscribe.
    public var unsubscribeURL: String?
    /// RFC 3834: set for mail the daemon sends on its own (reminders).
    public var autoSubmitted: Bool
    public var envelopeFrom: String
    /// RFC 2919 `List-Id`, e.g. `jugendcheck-2027.mitreden.lkee.de`: the survey's mail as one
    /// list, so that filters can sort it and spam filters see a list with its unsubscribe.
    public var listID: String?
    /// The `From` and `Subject` header lines already encoded and folded, when the caller has
    /// them: they are the same for every message of a run, and encoding them is not free.
    public var fromLine: String?
    public var subjectLine: String?
    /// The bodies already in quoted-printable, when the caller has them (then `text` and `html`
    /// are not read): a template's fixed lines are encoded once, not for every message.
    public var encodedBodies: (text: [UInt8], html: [UInt8]?)?

    public init(from: MailAddress, to: MailAddress, subject: String, text: [UInt8], html: [UInt8]?, messageID: String, date: Date,
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
        let (text, html) = encodedBodies ?? (Self.encoded(self.text), self.html.map(Self.encoded))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024 + text.count + (html?.count ?? 0))
        bytes.append(contentsOf: "Date: ".utf8)
        Self.appendRFC5322Date(date, to: &bytes)
        bytes.append(contentsOf: "\r\n".utf8)
        if let fromLine { bytes.append(contentsOf: fromLine.utf8) } else { MIME.header("From", from.headerValue, into: &bytes) }
        var recipient: [UInt8] = []
        to.appendHeaderValue(to: &recipient)
        MIME.header("To", bytes: recipient, into: &bytes)
        if let subjectLine { bytes.append(contentsOf: subjectLine.utf8) } else { MIME.header("Subject", MIME.unstructured(subject), into: &bytes) }
        MIME.header("Message-ID", "<" + messageID + ">", into: &bytes)
        bytes.append(contentsOf: "MIME-Version: 1.0\r\n".utf8)
        if let unsubscribeURL {
            MIME.header("List-Unsubscribe", "<" + MIME.singleLine(unsubscribeURL) + ">", into: &bytes)
            bytes.append(contentsOf: "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n".utf8)
        }
        if let listID { MIME.header("List-Id", "<" + MIME.singleLine(listID) + ">", into: &bytes) }
        if autoSubmitted { bytes.append(contentsOf: "Auto-Submitted: auto-generated\r\n".utf8) }
        let textPart = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8
        if let html {
            // "=_" never appears in quoted-printable (RFC 2045 section 6.7), so no body can hold the boundary.
            var boundary = Array("=_m_".utf8)
            boundary.append(contentsOf: messageID.utf8.prefix { $0 != 0x40 }.prefix(20))
            bytes.append(contentsOf: "Content-Type: multipart/alternative; boundary=\"".utf8)
            bytes += boundary
            bytes.append(contentsOf: "\"\r\n\r\nThis is a multi-part message in MIME format.\r\n--".utf8)
            bytes += boundary
            bytes += [13, 10]
            bytes.append(contentsOf: textPart)
            bytes += text
            bytes.append(contentsOf: "\r\n--".utf8)
            bytes += boundary
            bytes.append(contentsOf: "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
            bytes += html
            bytes.append(contentsOf: "\r\n--".utf8)
            bytes += boundary
            bytes.append(contentsOf: "--\r\n".utf8)
        } else {
            bytes.append(contentsOf: textPart)
            bytes += text
            bytes += [13, 10]
        }
        return Message(envelopeFrom: envelopeFrom, recipient: to.address, messageID: messageID, bytes: bytes)
    }

    private static func encoded(_ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        MIME.quotedPrintable(body, into: &out)
        return out
    }

    private static let days = Array("SunMonTueWedThuFriSat".utf8)
    private static let months = Array("JanFebMarAprMayJunJulAugSepOctNovDec".utf8)

    /// Appends `Sun, 22 Nov 2026 09:30:00 +0000`.
    static func appendRFC5322Date(_ date: Date, to out: inout [UInt8]) {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ n: Int32) { out.append(0x30 + UInt8(n / 10)); out.append(0x30 + UInt8(n % 10)) }
        let day = Int(parts.tm_wday) * 3, month = Int(parts.tm_mon) * 3
        out.append(contentsOf: days[day..<day + 3])
        out.append(contentsOf: ", ".utf8)
        two(parts.tm_mday)
        out.append(0x20)
        out.append(contentsOf: months[month..<month + 3])
        out.append(0x20)
        let year = parts.tm_year + 1900
        two(year / 100)
        two(year % 100)
        out.append(0x20)
        two(parts.tm_hour)
        out.append(0x3A)
        two(parts.tm_min)
        out.append(0x3A)
        two(parts.tm_sec)
        out.append(contentsOf: " +0000".utf8)
    }
}
