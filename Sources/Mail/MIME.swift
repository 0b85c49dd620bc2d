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
    static func phrase(_ text: String, into out: inout [UInt8]) {
        let line = singleLine(text)
        guard isPlainASCII(line) else { return encodedWords(line, into: &out) }
        out.append(0x22)
        for byte in line.utf8 {
            if byte == 0x22 || byte == 0x5C { out.append(0x5C) }
            out.append(byte)
        }
        out.append(0x22)
    }

    /// An unstructured header value (Subject): ASCII as is, otherwise encoded words.
    static func unstructured(_ text: String) -> String {
        let line = singleLine(text)
        guard !isPlainASCII(line) else { return line }
        var out: [UInt8] = []
        encodedWords(line, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 2047 `=?UTF-8?B?…?=` words of at most 64 characters, never splitting a character,
    /// separated by spaces.
    static func encodedWords(_ text: String, into out: inout [UInt8]) {
        let bytes = Array(text.utf8)
        var start = 0
        repeat {
            var end = min(start + 39, bytes.count)   // 52 base64 characters: a word fits after "Subject: " in 78
            while end < bytes.count && end > start && bytes[end] & 0xC0 == 0x80 { end -= 1 }   // not inside a character
            if start > 0 { out.append(0x20) }
            out.append(contentsOf: "=?UTF-8?B?".utf8)
            base64(bytes[start..<end], into: &out)
            out.append(contentsOf: "?=".utf8)
            start = end
        } while start < bytes.count
    }

    /// Folds a header line at spaces so that lines stay under 78 characters where possible
    /// (RFC 5322 section 2.2.3); continuation lines start with a space.
    static func header(_ name: String, _ value: String) -> String {
        var out: [UInt8] = []
        header(name, value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func header(_ name: String, _ value: String, into out: inout [UInt8]) {
        header(name, bytes: Array(value.utf8), into: &out)
    }

    static func header(_ name: String, bytes value: [UInt8], into out: inout [UInt8]) {
        let nameLength = name.utf8.count
        out.append(contentsOf: name.utf8)
        out += [0x3A, 0x20]
        if nameLength + 2 + value.count <= 78 {
            out += value
            out += [13, 10]
            return
        }
        var lineLength = nameLength + 2
        var first = true
        for word in value.split(separator: 0x20, omittingEmptySubsequences: false) {
            if !first {
                if lineLength + 1 + word.count > 78 && lineLength > nameLength + 2 {
                    out += [13, 10, 0x20]
                    lineLength = 1
                } else {
                    out.append(0x20)
                    lineLength += 1
                }
            }
            first = false
            out += word
            lineLength += word.count
        }
        out += [13, 10]
    }

    static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func base64(_ bytes: ArraySlice<UInt8>, into out: inout [UInt8]) {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b0 = bytes[i], b1 = i + 1 < bytes.endIndex ? bytes[i + 1] : 0, b2 = i + 2 < bytes.endIndex ? bytes[i + 2] : 0
            let n = UInt32(b0) << 16 | UInt32(b1) << 8 | UInt32(b2)
            out.append(base64Alphabet[Int(n >> 18)])
            out.append(base64Alphabet[Int(n >> 12 & 63)])
            out.append(i + 1 < bytes.endIndex ? base64Alphabet[Int(n >> 6 & 63)] : 0x3D)
            out.append(i + 2 < bytes.endIndex ? base64Alphabet[Int(n & 63)] : 0x3D)
            i += 3
        }
    }

    static let hex = Array("0123456789ABCDEF".utf8)

    /// Quoted-printable (RFC 2045 section 6.7) with CRLF line ends and lines of at most 76
    /// characters, in one pass over the UTF-8 bytes. A soft break never splits a character.
    static func quotedPrintable(_ text: [UInt8], into out: inout [UInt8]) {
        text.withUnsafeBufferPointer { bytes in
            let n = bytes.count
            // At most 3 bytes per byte, plus a 3-byte soft break per 63 or more written: under 4n + 16.
            // The room is added to `out` and what is not used taken off again.
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: 4 * n + 16))
            let written = out.withUnsafeMutableBufferPointer { whole -> Int in
                let buffer = UnsafeMutableBufferPointer(rebasing: whole[start...])
                var o = 0
                var width = 0
                var i = 0
                @inline(__always) func literal(_ c: UInt8) -> Bool { c >= 33 && c <= 126 && c != 61 }
                @inline(__always) func softBreak() { buffer[o] = 61; buffer[o + 1] = 13; buffer[o + 2] = 10; o += 3; width = 0 }
                while i < n {
                    let b = bytes[i]
                    // Printable ASCII as it is; so is a space or tab followed by more of the line
                    // (only one at a line's end must be encoded).
                    if literal(b) || ((b == 32 || b == 9) && i + 1 < n && bytes[i + 1] >= 32) {
                        if width >= 75 { softBreak() }
                        buffer[o] = b
                        o += 1
                        width += 1
                        i += 1
                        continue
                    }
                    if b == 0x0A || (b == 0x0D && i + 1 < n && bytes[i + 1] == 0x0A) {
                        buffer[o] = 13
                        buffer[o + 1] = 10
                        o += 2
                        width = 0
                        i += b == 0x0D ? 2 : 1
                        continue
                    }
                    let length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
                    let end = min(i + length, n)
                    let lineEnds = end == n || bytes[end] == 0x0A || (bytes[end] == 0x0D && end + 1 < n && bytes[end + 1] == 0x0A)
                    var pieceWidth = 0
                    for j in i..<end {
                        let c = bytes[j]
                        pieceWidth += literal(c) || ((c == 32 || c == 9) && !lineEnds) ? 1 : 3
                    }
                    if width + pieceWidth > 75 { softBreak() }
                    for j in i..<end {
                        let c = bytes[j]
                        if literal(c) || ((c == 32 || c == 9) && !lineEnds) {
                            buffer[o] = c
                            o += 1
                        } else {
                            buffer[o] = 61
                            buffer[o + 1] = hex[Int(c >> 4)]
                            buffer[o + 2] = hex[Int(c & 15)]
                            o += 3
                        }
                    }
                    width += pieceWidth
                    i = end
                }
                return o
            }
            out.removeLast(4 * n + 16 - written)
        }
    }
}
