import Foundation

/// Writes RFC 4180 CSV that spreadsheet programs open cleanly: UTF-8 with a byte order mark (so
/// LibreOffice Calc and Excel read umlauts right), CRLF line ends, fields quoted only where they
/// hold the separator, a quote or a line break. A text field that a spreadsheet would take for a
/// formula (starting with `=`, `+`, `-`, `@`, tab or carriage return, and not a plain number) is
/// written with a leading `'`, so that an answer like `=HYPERLINK(…)` stays text.
public struct CSVWriter {
    public let separator: Character
    public private(set) var text: String

    public init(separator: Character = ",", byteOrderMark: Bool = true) {
        self.separator = separator
        text = byteOrderMark ? "\u{FEFF}" : ""
    }

    public mutating func row(_ fields: [String]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { text.append(separator) }
            text += Self.escape(field, separator: separator)
        }
        text += "\r\n"
    }

    public static func escape(_ field: String, separator: Character) -> String {
        var value = field
        if let first = value.utf8.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D].contains(first),
           Double(value) == nil {
            value = "'" + value
        }
        let separatorByte = separator.asciiValue ?? UInt8(ascii: ",")
        guard value.utf8.contains(where: { $0 == 0x22 || $0 == separatorByte || $0 == 0x0A || $0 == 0x0D }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
