import CSV

/// A postal address for a letter (SPEC.md, "Reaching people without email").
public struct PostalAddress: Sendable, Equatable {
    public var street: String
    public var postcode: String
    public var city: String

    public init(street: String, postcode: String, city: String) {
        self.street = street
        self.postcode = postcode
        self.city = city
    }
}

/// One participant from the organizer's spreadsheet: reached by email, or, without one, by a
/// letter to their postal address.
public struct Participant: Sendable, Equatable {
    /// nil for a person reached by letter.
    public var email: String?
    public var name: String?
    public var address: PostalAddress?
    /// One of the survey's languages, or nil for its default.
    public var language: String?
    /// Every column other than email, name and language, in the file's order.
    public var attributes: [(String, String)]
    /// The line of the CSV file it came from.
    public var line: Int

    public init(email: String?, name: String?, address: PostalAddress? = nil, language: String?, attributes: [(String, String)], line: Int) {
        self.email = email
        self.name = name
        self.address = address
        self.language = language
        self.attributes = attributes
        self.line = line
    }

    public static func == (a: Participant, b: Participant) -> Bool {
        a.email == b.email && a.name == b.name && a.address == b.address && a.language == b.language && a.line == b.line
            && a.attributes.map(\.0) == b.attributes.map(\.0) && a.attributes.map(\.1) == b.attributes.map(\.1)
    }

    /// What a re-import matches the person by: the email, lower-cased; without one, the name
    /// and postal address, lower-cased and with runs of spaces made one (`postal:` before it).
    public var matchKey: String {
        if let email { return email.lowercased() }
        let parts = [name ?? "", address?.street ?? "", address?.postcode ?? "", address?.city ?? ""]
        return "postal:" + parts.map { $0.lowercased().split(separator: " ").joined(separator: " ") }.joined(separator: "|")
    }
}

/// A problem in a participants file: `FILE:LINE: error: message`.
public struct ParticipantListError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var message: String
    public var description: String { "\(path):\(line): error: \(message)" }
}

/// Reads and checks a participants CSV for a survey. All or nothing: any bad row is an error
/// and no participant is returned.
public enum ParticipantList {
    /// At most this many errors are listed; the rest are counted.
    public static let maxListedErrors = 1000

    /// The whole list in memory.
    /// - Throws: `[ParticipantListError]` as `ParticipantListErrors`, every bad row listed.
    public static func read(_ bytes: [UInt8], path: String, survey: Survey) throws -> [Participant] {
        var seen: [String: Int] = [:]
        var participants: [Participant] = []
        try bytes.withUnsafeBufferPointer { buffer in
            try scan(buffer, path: path, survey: survey, firstLine: { key, line in
                if let first = seen[key] { return first }
                seen[key] = line
                return nil
            }, each: { participants.append($0) })
        }
        return participants
    }

    /// Checks the file row by row without holding it: `each` gets every good row, in order,
    /// `firstLine` is asked for each row's `matchKey` and returns the line where it came first,
    /// nil for a new one (a caller with a million rows keeps the keys on disk, in a temporary
    /// table). After the last row, throws every error (the first `maxListedErrors` of them);
    /// `each` may have been given rows before that, so the caller undoes them (a transaction).
    /// - Throws: `ParticipantListErrors`, or what the closures throw.
    public static func scan(_ bytes: UnsafeBufferPointer<UInt8>, path: String, survey: Survey,
                            firstLine: (String, Int) throws -> Int?, each: (Participant) throws -> Void) throws {
        var errors: [ParticipantListError] = []
        var errorCount = 0
        func fail(_ line: Int, _ message: String) {
            errorCount += 1
            if errors.count < maxListedErrors { errors.append(ParticipantListError(path: path, line: line, message: message)) }
        }
        func thrown() -> ParticipantListErrors {
            var all = errors
            if errorCount > errors.count {
                all.append(ParticipantListError(path: path, line: errors.last?.line ?? 1, message: "and \(errorCount - errors.count) more errors after these"))
            }
            return ParticipantListErrors(errors: all)
        }
        var columns: [String] = []
        var emailIndex = 0, nameIndex: Int?, languageIndex: Int?
        var addressIndexes: [Int?] = []
        var reserved = Set<Int>()
        var separator: Character = ","
        func readHeader() throws {
            var seenColumns = Set<String>()
            for (i, column) in columns.enumerated() {
                if let control = column.firstControlCharacter {
                    fail(1, "the name of column \(i + 1) holds \(ControlCharacters.describe(control)); \(ControlCharacters.advice)")
                } else if column.isEmpty { fail(1, "a column has no name; name every column in the first row") }
                else if !seenColumns.insert(column).inserted { fail(1, "the column '\(column)' appears twice") }
            }
            guard let email = columns.firstIndex(of: "email") else {
                fail(1, "no 'email' column (found: \(columns.joined(separator: ", ").escapingControlCharacters)); the first row must name the columns, one of them email")
                throw thrown()
            }
            emailIndex = email
            for attribute in survey.attributes where !columns.contains(attribute) {
                fail(1, "the survey's attribute '\(attribute)' has no column; add it, or remove it from the survey's attributes")
            }
            nameIndex = columns.firstIndex(of: "name")
            languageIndex = columns.firstIndex(of: "language")
            addressIndexes = ["street", "postcode", "city"].map { columns.firstIndex(of: $0) }
            reserved = Set([emailIndex, nameIndex, languageIndex].compactMap { $0 } + addressIndexes.compactMap { $0 })
            if addressIndexes.contains(where: { $0 != nil }) && addressIndexes.contains(where: { $0 == nil }) {
                fail(1, "a postal address needs the three columns street, postcode and city; add the missing ones")
                throw thrown()
            }
        }

        func readRecord(_ record: CSVRecord) throws {
            let fields = record.fields
            guard fields.count == columns.count else {
                fail(record.line, "\(fields.count) fields, but the header has \(columns.count); check for a missing or extra '\(separator)'")
                return
            }
            let values = fields.map { $0.trimmingSpaces() }
            if let i = values.firstIndex(where: { $0.firstControlCharacter != nil }), let control = values[i].firstControlCharacter {
                fail(record.line, "column '\(columns[i].escapingControlCharacters)' holds \(ControlCharacters.describe(control)); \(ControlCharacters.advice)")
                return
            }
            let email = values[emailIndex]
            let addressParts = addressIndexes.compactMap { $0.map { values[$0] } }
            var address: PostalAddress?
            if addressParts.count == 3 && addressParts.contains(where: { !$0.isEmpty }) {
                guard !addressParts.contains(where: \.isEmpty) else {
                    fail(record.line, "the postal address is incomplete; give street, postcode and city, or none of them")
                    return
                }
                address = PostalAddress(street: addressParts[0], postcode: addressParts[1], city: addressParts[2])
            }
            if email.isEmpty {
                guard address != nil else {
                    fail(record.line, "the email is empty; give an email, or a postal address (columns street, postcode, city) for a letter")
                    return
                }
            } else if !EmailAddress.isValid(email) {
                fail(record.line, "'\(email.escapingControlCharacters)' is not a valid email address")
                return
            }
            var name: String?
            if let nameIndex {
                name = values[nameIndex].isEmpty ? nil : values[nameIndex]
            }
            let participant = Participant(email: email.isEmpty ? nil : email, name: name, address: address, language: nil, attributes: [], line: record.line)
            if let first = try firstLine(participant.matchKey, record.line) {
                fail(record.line, "the same \(email.isEmpty ? "name and address" : "email") as line \(first); list each person once")
                return
            }
            var language: String?
            if let languageIndex {
                let value = values[languageIndex].lowercased()
                if !value.isEmpty {
                    guard survey.languages.contains(value) else {
                        fail(record.line, "language '\(value)' is not one of the survey's languages (\(survey.languages.joined(separator: ", ")))")
                        return
                    }
                    language = value
                }
            }
            var attributes: [(String, String)] = []
            for (i, column) in columns.enumerated() where !reserved.contains(i) {
                attributes.append((column, values[i]))
            }
            // After an error nothing will be stored: the rest is only checked.
            if errorCount == 0 {
                try each(Participant(email: participant.email, name: name, address: address, language: language, attributes: attributes, line: record.line))
            }
        }

        do {
            try CSVReader.scan(bytes, header: { header, found in
                separator = found
                columns = header.map { $0.trimmingSpaces().lowercased() }
                try readHeader()
            }, record: readRecord)
        } catch let error as CSVError {
            fail(error.line, error.message)
            throw thrown()
        }
        if !errors.isEmpty { throw thrown() }
    }
}

/// The characters no value from a participants file may hold: C0 controls (U+0000–U+001F: tab, line
/// breaks, escape and the rest), DEL (U+007F), C1 controls (U+0080–U+009F) and the line and
/// paragraph separators (U+2028, U+2029). A terminal acts on them (an escape sequence can retitle
/// it or clear the screen), and a line break splits a table or a mail header.
public enum ControlCharacters {
    /// Whether `scalar` is one of them.
    public static func contains(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// "a line break (U+000A)", "a tab (U+0009)" or "a control character (U+001B)".
    public static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        switch scalar.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029: return "a line break (\(code))"
        case 0x09: return "a tab (\(code))"
        default: return "a control character (\(code))"
        }
    }

    /// What to do about one.
    static let advice = "write each value on one line, without tabs or other control characters, and import the file again"
}

extension String {
    /// The first of `ControlCharacters` in the text, nil when it has none.
    public var firstControlCharacter: Unicode.Scalar? {
        // In UTF-8 each of them starts with a byte below 0x20, 0x7F, 0xC2 (C1) or 0xE2 (U+2028/9):
        // most values have none of these, and no scalar is decoded for them.
        guard utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }) else { return nil }
        return unicodeScalars.first(where: ControlCharacters.contains)
    }

    /// The text with each of `ControlCharacters` written as `\u{1B}`, for a message that quotes
    /// input: it shows what is there and never acts on the terminal.
    public var escapingControlCharacters: String {
        guard firstControlCharacter != nil else { return self }
        var escaped = ""
        for scalar in unicodeScalars {
            if ControlCharacters.contains(scalar) { escaped += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" }
            else { escaped.unicodeScalars.append(scalar) }
        }
        return escaped
    }
}

/// All problems of a participants file.
public struct ParticipantListErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ParticipantListError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Addresses as organizers' spreadsheets hold them: `local@domain.tld`, checked strictly
/// enough that a typo is caught and no header can be injected (RFC 5321 lengths).
public enum EmailAddress {
    /// Checked byte by byte: the local part is ASCII (RFC 5322 atext and dots), domain labels
    /// are letters, digits and '-' (non-ASCII letters allowed for internationalized domains),
    /// the top-level domain is at least two letters.
    public static func isValid(_ address: String) -> Bool {
        let b = Array(address.utf8)
        guard b.count <= 254, let at = b.firstIndex(of: 0x40), b[(at + 1)...].firstIndex(of: 0x40) == nil else { return false }
        let local = b[..<at]
        guard (1...64).contains(local.count), local.first != 0x2E, local.last != 0x2E else { return false }
        var previousDot = false
        for c in local {
            let isDot = c == 0x2E
            if isDot && previousDot { return false }
            previousDot = isDot
            guard isDot || isAlphanumeric(c) || localSymbols[Int(c)] else { return false }
        }
        let domain = b[(at + 1)...]
        let labels = domain.split(separator: 0x2E, omittingEmptySubsequences: false)
        guard labels.count >= 2, let tld = labels.last, tld.count >= 2,
              tld.allSatisfy({ c in (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || c >= 0x80 }) else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != 0x2D && label.last != 0x2D
                && label.allSatisfy { c in isAlphanumeric(c) || c == 0x2D || c >= 0x80 }
        }
    }

    private static func isAlphanumeric(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A)
    }

    /// The symbols RFC 5322 allows in an unquoted local part, by byte value.
    private static let localSymbols: [Bool] = (0..<256).map { "!#$%&'*+/=?^_`{|}~-".utf8.contains(UInt8($0)) }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    public func trimmingSpaces() -> String {
        // Most values have nothing to trim: then no Character is formed at all.
        guard let first = utf8.first, let last = utf8.last, first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 else { return self }
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
