/// Header and body encodings of MIME: RFC 2047 encoded words, RFC 2045 quoted-printable.
enum MIME {
    /// Replaces CR, LF and other control characters with spaces, so that no value can end a header.
    static func singleLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// A display name: a quoted string when ASCII, else encoded words.
    static func phrase(_ text: String) -> String {
        let line = singleLine(text)
        if isPlainASCII(line) {
            guard line.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C }) else { return "\"" + line + "\"" }
            return "\"" + line.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return encodedWords(line).joined(separator: " ")
    }

    /// An unstructured header value (Subject): ASCII as is, otherwise encoded words.
    static func unstructured(_ text: String) -> String {
        let line = singleLine(text)
        return isPlainASCII(line) ? line : encodedWords(line).joined(separator: " ")
    }

    /// RFC 2047 `=?UTF-8?B?…?=` words of at most 64 characters, never splitting a character.
    static func encodedWords(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        var words: [String] = []
        var start = 0
        while start < bytes.count || words.isEmpty {
            var end = min(start + 39, bytes.count)   // 52 base64 characters: a word fits after "Subject: " in 78
            while end < bytes.count && end > start && bytes[end] & 0xC0 == 0x80 { end -= 1 }   // not inside a character
            words.append("=?UTF-8?B?" + base64(Array(bytes[start..<end])) + "?=")
            start = end
            if bytes.isEmpty { break }
        }
        return words
    }

    /// Folds a header line at spaces so that lines stay under 78 characters where possible
    /// (RFC 5322 section 2.2.3); continuation lines start with a space.
    static func header(_ name: String, _ value: String) -> String {
        if name.utf8.count + 2 + value.utf8.count <= 78 { return name + ": " + value + "\r\n" }
        var line = name + ": "
        var out = ""
        for (i, word) in value.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if i > 0 {
                if line.utf8.count + 1 + word.utf8.count > 78 && line.utf8.count > name.utf8.count + 2 {
                    out += line + "\r\n"
                    line = " "
                } else {
                    line += " "
                }
            }
            line += word
        }
        return out + line + "\r\n"
    }

    static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            let n = UInt32(b0) << 16 | UInt32(b1) << 8 | UInt32(b2)
            out.append(base64Alphabet[Int(n >> 18)])
            out.append(base64Alphabet[Int(n >> 12 & 63)])
            out.append(i + 1 < bytes.count ? base64Alphabet[Int(n >> 6 & 63)] : 0x3D)
            out.append(i + 2 < bytes.count ? base64Alphabet[Int(n & 63)] : 0x3D)
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static let hex = Array("0123456789ABCDEF".utf8)

    /// Quoted-printable (RFC 2045 section 6.7) with CRLF line ends and lines of at most 76
    /// characters, in one pass over the UTF-8 bytes. A soft break never splits a character.
    static func quotedPrintable(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            out.reserveCapacity(out.count + bytes.count + bytes.count / 8)
            var width = 0
            var i = 0
            let n = bytes.count
            while i < n {
                let b = bytes[i]
                if b == 0x0A || (b == 0x0D && i + 1 < n && bytes[i + 1] == 0x0A) {
                    out += [13, 10]
                    width = 0
                    i += b == 0x0D ? 2 : 1
                    continue
                }
                if b >= 33 && b <= 126 && b != 61 {   // printable ASCII: as it is
                    if width >= 75 { out += [61, 13, 10]; width = 0 }
                    out.append(b)
                    width += 1
                    i += 1
                    continue
                }
                let length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
                let end = min(i + length, n)
                let lineEnds = end == n || bytes[end] == 0x0A || (bytes[end] == 0x0D && end + 1 < n && bytes[end + 1] == 0x0A)
                var pieceWidth = 0
                for c in bytes[i..<end] {
                    let literal = (c >= 33 && c <= 126 && c != 61) || ((c == 32 || c == 9) && !lineEnds)
                    pieceWidth += literal ? 1 : 3
                }
                if width + pieceWidth > 75 {
                    out += [61, 13, 10]
                    width = 0
                }
                for c in bytes[i..<end] {
                    if (c >= 33 && c <= 126 && c != 61) || ((c == 32 || c == 9) && !lineEnds) {
                        out.append(c)
                    } else {
                        out += [61, hex[Int(c >> 4)], hex[Int(c & 15)]]
                    }
                }
                width += pieceWidth
                i = end
            }
        }
    }
}
