import Foundation
import Store

/// A returned message read: which delivery it is about and what it says.
///
/// Reads RFC 3464 delivery status notifications (`multipart/report; report-type=delivery-status`,
/// as Postfix, Exim, Microsoft and Google write them), and the older plain-text bounces that
/// only quote the server's reply and the original message (Exim's classic format, qmail). The
/// delivery is found by the envelope sender it came back to (VERP: the relay's recipient,
/// `Delivered-To`, `X-Original-To`, `Envelope-To` or `To`), or else by the Message-ID of the
/// returned original.
public struct BounceReport: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        /// A failure or a delay of a delivery.
        case bounce(BounceRecord)
        /// A report that the message was delivered or relayed: nothing to record.
        case success
        /// An out-of-office or other automatic reply: nothing to record.
        case autoReply
    }

    public var verdict: Verdict
    /// The deliveries it may be about, most certain first.
    public var matches: [BounceMatch]

    /// Not a mail message at all (no header section), or one built as no mail system builds a
    /// report: nested, divided or headed beyond `Limits` (a message built to exhaust the reader).
    public struct NotAMessage: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Reads a returned message, in time and memory in proportion to its size whatever its shape.
    /// - Parameters:
    ///   - recipient: the address the relay delivered the report to, when it says (a pipe's `${recipient}`).
    /// - Throws: `NotAMessage`.
    public static func read(_ bytes: [UInt8], recipient: String? = nil, address: BounceAddress) throws -> BounceReport {
        let message = try MIMEPart(bytes[...])
        var matches: [BounceMatch] = []
        let candidates = [recipient].compactMap { $0 } + ["delivered-to", "x-original-to", "envelope-to", "to"].flatMap { message.headers($0) }
        for candidate in candidates {
            if let id = address.id(in: candidate), !matches.contains(.envelopeID(id)) { matches.append(.envelopeID(id)) }
        }
        var statusFields: [[String: String]] = []
        var originalHeaders: [String] = []
        var texts: [String] = []
        for part in try message.allParts() {
            switch part.contentType.type {
            case "message/delivery-status", "message/global-delivery-status":
                statusFields += Self.fieldGroups(part.decodedText)
            case "message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers":
                originalHeaders.append(part.decodedText)
            case "text/plain", "":
                texts.append(part.decodedText)
            default: break
            }
        }
        // The returned original's Message-ID; in plain-text bounces, any Message-ID line quoted.
        for text in originalHeaders + texts {
            for id in Self.messageIDs(text) where !matches.contains(.messageID(id)) { matches.append(.messageID(id)) }
        }
        let recipients = statusFields.filter { $0["action"] != nil }
        if !recipients.isEmpty {
            // The first failed recipient counts, else the first delayed one.
            let failed = recipients.first { $0["action"]?.lowercased().hasPrefix("failed") == true }
            let delayed = recipients.first { $0["action"]?.lowercased().hasPrefix("delayed") == true }
            guard let fields = failed ?? delayed else { return BounceReport(verdict: .success, matches: matches) }
            let status = fields["status"].map { String($0.prefix { !$0.isWhitespace }) } ?? (failed != nil ? "5.0.0" : "4.0.0")
            let diagnostic = fields["diagnostic-code"] ?? ""
            return BounceReport(verdict: .bounce(BounceRecord(hard: failed != nil, status: status, code: Self.replyCode(diagnostic),
                                                              diagnostic: diagnostic)), matches: matches)
        }
        if message.isAutoReply && !message.isFromMailSystem {
            return BounceReport(verdict: .autoReply, matches: matches)
        }
        let allText = texts.joined(separator: "\n")
        guard message.isFromMailSystem || message.contentType.type == "multipart/report" else {
            return BounceReport(verdict: .autoReply, matches: matches)
        }
        // A plain-text bounce: the first status in its own words (before the copy of the message).
        let text = Self.ownWords(allText)
        let delayed = ["delayed", "not yet been delivered", "will keep trying", "still trying", "warning:"]
            .contains { text.lowercased().contains($0) || message.header("subject")?.lowercased().contains($0) == true }
        let found = Self.statusLine(text)
        let hard = found.map { $0.status.hasPrefix("5") } ?? !delayed
        return BounceReport(verdict: .bounce(BounceRecord(hard: hard && !(delayed && found?.status.hasPrefix("4") != false),
                                                          status: found?.status ?? (hard ? "5.0.0" : "4.0.0"),
                                                          code: found.flatMap { Self.replyCode($0.line) }, diagnostic: found?.line ?? "")),
                            matches: matches)
    }

    /// The field groups of a delivery-status body: the per-message group, then one per recipient.
    static func fieldGroups(_ text: String) -> [[String: String]] {
        var groups: [[String: String]] = []
        var current: [String: String] = [:]
        var lastName: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map({ $0.hasSuffix("\r") ? $0.dropLast() : $0 }) {
            if line.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { groups.append(current) }
                current = [:]
                lastName = nil
            } else if line.first == " " || line.first == "\t", let name = lastName {
                current[name, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                current[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                lastName = name
            }
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    /// The local parts of `Message-ID: <local@domain>` lines in `text`.
    static func messageIDs(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix("message-id:"), let open = trimmed.firstIndex(of: "<"),
                  let at = trimmed[open...].firstIndex(of: "@") else { return nil }
            let id = trimmed[trimmed.index(after: open)..<at]
            return id.isEmpty ? nil : id.lowercased()
        }
    }

    /// The text of a plain-text bounce up to the copy of the returned message.
    static func ownWords(_ text: String) -> String {
        let markers = ["copy of the message", "below this line is a copy", "original message follows", "undelivered message follows"]
        var kept: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if markers.contains(where: { line.lowercased().contains($0) }) { break }
            kept.append(line)
        }
        return kept.joined(separator: "\n")
    }

    /// The first line of `text` with an enhanced status code (`5.1.1`), and the code; else the
    /// first line with a bare SMTP reply code (`550`), as `5.0.0`.
    static func statusLine(_ text: String) -> (status: String, line: String)? {
        if let found = enhancedStatusLine(text) { return found }
        for line in text.split(whereSeparator: \.isNewline) {
            if let code = replyCode(String(line)) { return ("\(code / 100).0.0", line.trimmingCharacters(in: .whitespaces)) }
        }
        return nil
    }

    static func enhancedStatusLine(_ text: String) -> (status: String, line: String)? {
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" || $0 == ";" || $0 == "(" || $0 == ")" })
            for word in words {
                let parts = word.split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count == 3, ["4", "5"].contains(parts[0]),
                      parts[1].count <= 3, parts[2].count <= 3, parts[1].allSatisfy(\.isNumber), parts[2].allSatisfy(\.isNumber),
                      !parts[1].isEmpty, !parts[2].isEmpty else { continue }
                return (String(word), line.trimmingCharacters(in: .whitespaces))
            }
        }
        return nil
    }

    /// The SMTP reply code in a diagnostic such as `smtp; 550 5.1.1 …`.
    static func replyCode(_ text: String) -> Int? {
        for word in text.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "-" || $0 == ":" }) where word.count == 3 {
            if let code = Int(word), (400..<600).contains(code) { return code }
        }
        return nil
    }
}

extension BounceReport {
    /// What taking in a returned message came to.
    public enum Intake: Sendable, Equatable {
        case recorded(surveyID: String, hard: Bool, status: String)
        /// A well-formed report or reply with nothing to record: why.
        case ignored(String)
    }

    /// Reads a returned message and records what it says about our delivery.
    /// - Throws: `NotAMessage` for input that is no mail; `SQLiteError` when the database cannot be written.
    public static func take(_ bytes: [UInt8], recipient: String?, address: BounceAddress, database: Database) throws -> Intake {
        let report = try read(bytes, recipient: recipient, address: address)
        switch report.verdict {
        case .success: return .ignored("a report of a successful delivery")
        case .autoReply: return .ignored("an automatic reply, not a bounce")
        case .bounce(let record):
            guard !report.matches.isEmpty else { return .ignored("a bounce that names no delivery of ours") }
            switch try database.recordBounce(report.matches, record) {
            case .noDelivery: return .ignored("a bounce of a delivery we do not know")
            case .recorded(let survey, let hard): return .recorded(surveyID: survey, hard: hard, status: record.status)
            }
        }
    }
}
