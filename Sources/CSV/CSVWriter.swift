import Foundation

/// Writes RFC 4180 CSV that spreadsheet programs open cleanly: UTF-8 with a byte order mark (so
/// LibreOffice Calc and Excel read umlauts right), CRLF line ends, fields quoted only where they
/// hold the separator, a quote or a line break. A text field that a spreadsheet could take for a
/// formula is written with a leading `'`, so that an answer like `=HYPERLINK(…)` stays text: see
/// `looksLikeFormula(_:)`.
public struct CSVWriter {
    public let separator: Character
    public private(set) var text: String

    public init(separator: Character = ",", byteOrderMark: Bool = true) {
        self.separator = separator
        text = byteOrderMark ? "\u{FEFF}" : ""
    }

    /// The text written so far, which the writer then forgets: for writing a long file in parts.
    public mutating func take() -> String {
        defer { text = "" }
        return text
    }

    /// Appends one record, ended by CRLF.
    public mutating func row(_ fields: [String]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { text.append(separator) }
            text += Self.escape(field, separator: separator)
        }
        text += "\r\n"
    }

    /// The field as written: with a leading `'` if it looks like a formula, then quoted if needed.
    public static func escape(_ field: String, separator: Character) -> String {
        var value = field
        if looksLikeFormula(value) { value = "'" + value }
        let separatorByte = separator.asciiValue ?? UInt8(ascii: ",")
        guard value.utf8.contains(where: { $0 == 0x22 || $0 == separatorByte || $0 == 0x0A || $0 == 0x0D }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension CSVWriter {
    /// Whether a spreadsheet could evaluate the field as a formula: it starts with a tab or a
    /// carriage return, or its first character after any spaces and control characters is `=`,
    /// `+`, `-` or `@`, or their full-width forms `＝`, `＋`, `－`, `＠`, and it is not a plain
    /// number (`-5`, `+1.5e3` stay numbers). LibreOffice Calc drops NUL characters and, with
    /// "Trim spaces", leading spaces before it looks for `=` (found by opening our files in it,
    /// Tests/CSVTests/SpreadsheetTests.swift); Excel and others also evaluate `+`, `-` and `@`
    /// (OWASP, "CSV Injection").
    public static func looksLikeFormula(_ field: String) -> Bool {
        guard let first = field.utf8.first else { return false }
        // Most fields start with a letter or digit: nothing more to look at.
        if (0x30...0x39).contains(first) || (0x41...0x5A).contains(first) || (0x61...0x7A).contains(first) { return false }
        if first == 0x09 || first == 0x0D { return true }
        guard let sign = field.unicodeScalars.first(where: { !isBlank($0) }), formulaSigns.contains(sign.value) else { return false }
        return !isPlainNumber(field)
    }

    /// `=`, `+`, `-`, `@` and their full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20).
    static let formulaSigns: Set<UInt32> = [0x3D, 0x2B, 0x2D, 0x40, 0xFF1D, 0xFF0B, 0xFF0D, 0xFF20]

    /// What may stand before a formula's sign and still be skipped: spaces (also no-break and
    /// ideographic), C0 and C1 control characters, DEL, line and paragraph separators, zero-width
    /// spaces and the byte order mark.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x20, 0x7F...0xA0, 0x2000...0x200F, 0x2028, 0x2029, 0x202F, 0x205F, 0x2060, 0x3000, 0xFEFF: return true
        default: return false
        }
    }

    /// An optional sign, digits with at most one `.`, an optional exponent: what every
    /// spreadsheet reads as a number. `Double(_:)` would also take `-inf`, `nan` and `-0x1p3`.
    static func isPlainNumber(_ field: String) -> Bool {
        var bytes = field.utf8[...]
        if let sign = bytes.first, sign == 0x2B || sign == 0x2D { bytes = bytes.dropFirst() }
        var digits = 0, points = 0
        while let b = bytes.first, (0x30...0x39).contains(b) || b == 0x2E {
            if b == 0x2E { points += 1 } else { digits += 1 }
            bytes = bytes.dropFirst()
        }
        guard digits > 0, points <= 1 else { return false }
        if let e = bytes.first, e == 0x65 || e == 0x45 {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == 0x2B || sign == 0x2D { bytes = bytes.dropFirst() }
            guard let digit = bytes.first, (0x30...0x39).contains(digit) else { return false }
            bytes = bytes.drop { (0x30...0x39).contains($0) }
        }
        return bytes.isEmpty
    }
}
