import Foundation

/// The fixed words of letters, cards and posters, in German and English; other languages read
/// English. They name things and avoid addressing the reader as "Sie" or "du", so they fit a
/// letter in either voice.
enum PrintText {
    static let table: [String: [String: String]] = [
        "de": [
            "date": "Datum", "code": "Zugangscode", "survey": "Umfrage",
            "access.title": "So geht es zur Umfrage",
            "access.scan": "QR-Code mit der Handykamera scannen oder diesen Link öffnen:",
            "access.type": "Oder auf %@ den Zugangscode eingeben:",
            "access.once": "Der Code gilt für eine Teilnahme.",
            "qr.personal": "QR-Code: der persönliche Link zur Umfrage",
            "qr.survey": "QR-Code: der Link zur Umfrage",
            "card.scan": "QR-Code scannen oder diesen Zugangscode eingeben:",
            "card.at": "Eingeben auf",
            "closes": "Mitmachen bis %@",
            "poster.kicker": "Umfrage",
            "poster.scan": "QR-Code mit der Handykamera scannen oder im Browser öffnen:",
            "poster.anonymous": "Die Umfrage ist anonym.",
            "cut": "[Text gekürzt: die Vorlage ist für eine Seite zu lang]",
            "cards.title": "Zugangscodes",
        ],
        "en": [
            "date": "Date", "code": "Access code", "survey": "Survey",
            "access.title": "How to take part",
            "access.scan": "Scan the QR code with a phone camera or open this link:",
            "access.type": "Or type the access code at %@:",
            "access.once": "The code is valid for one answer.",
            "qr.personal": "QR code: the personal link to the survey",
            "qr.survey": "QR code: the link to the survey",
            "card.scan": "Scan the QR code or type this access code:",
            "card.at": "Type it at",
            "closes": "Open until %@",
            "poster.kicker": "Survey",
            "poster.scan": "Scan the QR code with a phone camera or open in a browser:",
            "poster.anonymous": "The survey is anonymous.",
            "cut": "[Text cut: the template is too long for one page]",
            "cards.title": "Access codes",
        ],
    ]

    /// The text `key` in `language` (English when the language has none), with `%@` replaced
    /// by `argument`.
    static func text(_ key: String, _ language: String, _ argument: String? = nil) -> String {
        let prefix = String(language.prefix { $0 != "-" && $0 != "_" }).lowercased()
        let template = table[prefix]?[key] ?? table["en"]![key]!
        guard let argument else { return template }
        return template.replacingOccurrences(of: "%@", with: argument)
    }

    /// A link to type, as short as it can be written: without `https://`, which browsers
    /// add themselves (an `http://` link keeps its scheme, which they would not add).
    static func typed(_ link: String) -> String {
        link.hasPrefix("https://") ? String(link.dropFirst("https://".count)) : link
    }
}
