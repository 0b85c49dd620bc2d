/// A CSV file read by RFC 4180: a header row, then records, each with the line it starts on.
public struct CSVTable: Sendable {
    public var header: [String]
    public var records: [CSVRecord]
    /// `,` or `;`, as found in the header row.
    public var separator: Character
}

/// One record and the (1-based) line of the file it starts on.
public struct CSVRecord: Sendable {
    public var line: Int
    public var fields: [String]
}

/// A malformed CSV file, with the line of the problem.
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// Reads RFC 4180 CSV in UTF-8: a BOM is skipped, the separator (`,` or `;`, as German
/// spreadsheet programs write it) is taken from the header row, quoted fields may hold
/// separators, doubled quotes and line breaks; LF, CRLF and CR end lines. Empty lines are skipped.
public enum CSVReader {
    /// The whole table in memory.
    /// - Throws: `CSVError`.
    public static func read(_ bytes: [UInt8]) throws -> CSVTable {
        var header: [String]?
        var separator: Character = ","
        var records: [CSVRecord] = []
        try bytes.withUnsafeBufferPointer { buffer in
            try scan(buffer, header: { header = $0; separator = $1 }, record: { records.append($0) })
        }
        return CSVTable(header: header ?? [], records: records, separator: separator)
    }

    /// Reads record by record without holding the table: `header` gets the first record and
    /// the separator, `record` each further one, in order. Memory stays that of one record,
    /// whatever the file's size (a million participants).
    /// - Throws: `CSVError`, or what the closures throw.
    public static func scan(_ bytes: UnsafeBufferPointer<UInt8>, header: ([String], Character) throws -> Void,
                            record: (CSVRecord) throws -> Void) throws {
        var start = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
        let separator = detectSeparator(bytes, from: start)
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var i = start
        let count = bytes.count
        let quote: UInt8 = 0x22
        var sawHeader = false

        func finishField() throws {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw CSVError(line: recordLine, message: "the text is not valid UTF-8; save the file as \"CSV UTF-8\"")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
        }
        func finishRecord() throws {
            if !(fields.count == 1 && fields[0].isEmpty) {
                if sawHeader {
                    try record(CSVRecord(line: recordLine, fields: fields))
                } else {
                    sawHeader = true
                    try header(fields, separator == 0x3B ? ";" : ",")
                }
            }
            fields.removeAll(keepingCapacity: true)
        }

        while i <= count {
            // At the start of a field.
            if i < count && bytes[i] == quote {
                let quoteLine = line
                i += 1
                while true {
                    guard i < count else {
                        throw CSVError(line: quoteLine, message: "a quoted field is never closed; add the closing quote (\")")
                    }
                    let b = bytes[i]
                    if b == quote {
                        if i + 1 < count && bytes[i + 1] == quote { field.append(quote); i += 2; continue }
                        i += 1
                        break
                    }
                    if b == 0x0A || (b == 0x0D && !(i + 1 < count && bytes[i + 1] == 0x0A)) { line += 1 }
                    field.append(b)
                    i += 1
                }
                if i < count && bytes[i] != separator && bytes[i] != 0x0A && bytes[i] != 0x0D {
                    throw CSVError(line: line, message: "text after a closing quote; a quote inside a quoted field is written twice (\"\")")
                }
            } else {
                while i < count {
                    let b = bytes[i]
                    if b == separator || b == 0x0A || b == 0x0D { break }
                    if b == quote {
                        throw CSVError(line: line, message: "a quote (\") inside an unquoted field; put the whole field in quotes and write the inner quote twice")
                    }
                    field.append(b)
                    i += 1
                }
            }
            try finishField()
            if i >= count { try finishRecord(); break }
            let b = bytes[i]
            i += 1
            if b == separator { continue }
            if b == 0x0D && i < count && bytes[i] == 0x0A { i += 1 }
            try finishRecord()
            line += 1
            recordLine = line
            if i == count { break }
        }
        guard sawHeader else {
            throw CSVError(line: 1, message: "the file is empty; the first row must name the columns, such as email;name")
        }
    }

    /// `;` if the header row has more unquoted semicolons than commas, else `,`.
    static func detectSeparator(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt8 {
        var semicolons = 0
        var commas = 0
        var quoted = false
        for b in bytes[start...] {
            if b == 0x22 { quoted.toggle(); continue }
            if quoted { continue }
            if b == 0x0A || b == 0x0D { break }
            if b == 0x3B { semicolons += 1 } else if b == 0x2C { commas += 1 }
        }
        return semicolons > commas ? 0x3B : 0x2C
    }
}
