import Mail

/// A message as `Message` builds it, taken apart for reading: the header block as sent, and the
/// text and HTML parts decoded from quoted-printable (RFC 2045 section 6.7).
struct MailView {
    var headers = ""
    var text = ""
    var html: String?

    init(_ bytes: [UInt8]) {
        let message = String(decoding: bytes, as: UTF8.self)
        guard let split = message.range(of: "\r\n\r\n") else { text = message; return }
        headers = String(message[..<split.lowerBound]).replacingOccurrences(of: "\r\n", with: "\n")
        let rest = String(message[split.upperBound...])
        guard let boundary = Self.boundary(headers) else {
            text = Self.decodeQuotedPrintable(rest)
            return
        }
        for part in rest.components(separatedBy: "--" + boundary).dropFirst() {
            guard let end = part.range(of: "\r\n\r\n") else { continue }
            let partHeaders = part[..<end.lowerBound].lowercased()
            var content = String(part[end.upperBound...])
            if content.hasSuffix("\r\n") { content.removeLast() }   // the line break before the next boundary ("\r\n" is one Character)
            if partHeaders.contains("content-type: text/plain") { text = Self.decodeQuotedPrintable(content) }
            if partHeaders.contains("content-type: text/html") { html = Self.decodeQuotedPrintable(content) }
        }
    }

    /// The `boundary` parameter of a multipart `Content-Type` header.
    static func boundary(_ headers: String) -> String? {
        guard let type = headers.components(separatedBy: "\n").first(where: { $0.lowercased().hasPrefix("content-type: multipart/") }),
              let start = type.range(of: "boundary=\"") else { return nil }
        return String(type[start.upperBound...].prefix { $0 != "\"" })
    }

    /// Quoted-printable to text, with line ends as LF.
    static func decodeQuotedPrintable(_ text: String) -> String {
        String(decoding: QuotedPrintable.decode(Array(text.utf8)[...]), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    }
}
