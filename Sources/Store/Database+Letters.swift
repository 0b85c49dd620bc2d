import Foundation
import JSON
import SQLite

/// A participant without email, as a letter or a code card needs them: the postal address
/// (when the row has one), the language, the attributes and the access code.
public struct LetterRecipient: Sendable, Equatable {
    public var id: Int64
    public var name: String?
    public var street: String?
    public var postcode: String?
    public var city: String?
    public var language: String?
    /// The attributes as stored: a JSON object.
    public var attributes: String
    /// The normalized access code: twelve characters, no dashes.
    public var code: String
    /// When the letter or card was first printed; nil when it never was.
    public var printedAt: String?

    public init(id: Int64, name: String? = nil, street: String? = nil, postcode: String? = nil, city: String? = nil,
                language: String? = nil, attributes: String = "{}", code: String, printedAt: String? = nil) {
        self.id = id
        self.name = name
        self.street = street
        self.postcode = postcode
        self.city = city
        self.language = language
        self.attributes = attributes
        self.code = code
        self.printedAt = printedAt
    }

    /// The address lines for the window of an envelope: name, street, postcode and city;
    /// empty when the row has no address (a code card's participant).
    public var addressLines: [String] {
        guard let street, let postcode, let city else { return [] }
        return [name, street, postcode + " " + city].compactMap { line in
            guard let line, !line.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return line
        }
    }

    /// The attributes' names and values (parse once per letter, then look up).
    public var attributeValues: [(String, String)] {
        (try? JSONParser.parse(attributes))?.stringMembers ?? []
    }
}

extension Database {
    /// The participants of `surveyID` who get a letter or a code card instead of mail (those
    /// without email, still holding a code, i.e. not purged), in import order; without
    /// `includePrinted` only those never printed.
    public func letterRecipients(surveyID: String, includePrinted: Bool) throws -> [LetterRecipient] {
        try connection.rows("""
            SELECT id, name, street, postcode, city, language, attributes, code, printed_at FROM participants
            WHERE survey_id = ?1 AND email IS NULL AND code IS NOT NULL AND token IS NOT NULL
              AND (?2 OR printed_at IS NULL)
            ORDER BY id
            """, [.text(surveyID), .integer(includePrinted ? 1 : 0)]).map { row in
            LetterRecipient(id: Int64(row.int("id") ?? 0), name: row.text("name"), street: row.text("street"),
                            postcode: row.text("postcode"), city: row.text("city"), language: row.text("language"),
                            attributes: row.text("attributes") ?? "{}", code: row.text("code") ?? "", printedAt: row.text("printed_at"))
        }
    }

    /// Records the letters or cards of `ids` as printed (invited by letter), in one
    /// transaction, after the document was written. A participant printed again keeps the
    /// time of their first print. Returns how many participants were marked for the first time.
    @discardableResult
    public func markPrinted(_ ids: [Int64], now: Date = Date()) throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try connection.transaction {
            let json = JSONValue.array(ids.map { .int(Int($0)) }).serialized()
            let stamp = Database.now(now)
            try connection.run("""
                UPDATE participants SET printed_at = ?2, updated_at = ?2
                WHERE printed_at IS NULL AND id IN (SELECT value FROM json_each(?1))
                """, [.text(json), .text(stamp)])
            return connection.changes
        }
    }
}
