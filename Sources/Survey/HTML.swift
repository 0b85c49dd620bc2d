/// HTML text and attribute values, escaped.
public enum HTML {
    /// Escapes `& < > " '` for HTML text and attribute values.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: needsEscape) else { return text }
        var out: [UInt8] = []
        escape(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` escaped to UTF-8 bytes.
    public static func escape(_ text: String, into out: inout [UInt8]) {
        guard text.utf8.contains(where: needsEscape) else { out.append(contentsOf: text.utf8); return }
        out.reserveCapacity(out.count + text.utf8.count + 16)
        for c in text.utf8 {
            switch c {
            case 0x26: out.append(contentsOf: "&amp;".utf8)
            case 0x3C: out.append(contentsOf: "&lt;".utf8)
            case 0x3E: out.append(contentsOf: "&gt;".utf8)
            case 0x22: out.append(contentsOf: "&quot;".utf8)
            case 0x27: out.append(contentsOf: "&#39;".utf8)
            default: out.append(c)
            }
        }
    }

    private static func needsEscape(_ c: UInt8) -> Bool { c == 0x26 || c == 0x3C || c == 0x3E || c == 0x22 || c == 0x27 }
}
