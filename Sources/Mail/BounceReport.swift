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

    /// Not a mail message at all (no header section).
    public struct NotAMessage: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// - Parameters:
    ///   - recipient: the address the relay delivered the report to, when it says (a pipe's `${recipient}`).
    /// - Throws: `NotAMessage`.
    public static func read(_ bytes: [UInt8], recipient: String? = nil, address: BounceAddress) throws -> BounceReport {
        let message = try MIMEPart(bytes)
        var matches: [BounceMatch] = []
        let candidates = [recipient].compactMap { $0 } + ["delivered-to", "x-original-to", "envelope-to", "to"].flatMap { message.headers($0) }
        for candidate in candidates {
            if let id = address.id(in: candidate), !matches.contains(.envelopeID(id)) { matches.append(.envelopeID(id)) }
        }
        var statusFields: [[String: String]] = []
        var originalHeaders: [String] = []
        var texts: [String] = []
        message.walk { part in
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

/// One MIME entity: headers and body, with its parts when it is multipart.
struct MIMEPart {
    let headerLines: [(name: String, value: String)]
    let body: [UInt8]

    struct ContentType {
        var type: String
        var parameters: [String: String]
    }

    /// - Throws: `BounceReport.NotAMessage` when there is no header section.
    init(_ bytes: [UInt8], nested: Bool = false) throws {
        var lines: [(String, String)] = []
        var i = 0
        var bodyStart = bytes.count
        var sawHeader = false
        while i < bytes.count {
            var end = i
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var line = bytes[i..<end]
            if line.last == 0x0D { line = line.dropLast() }
            let next = min(end + 1, bytes.count)
            if line.isEmpty { bodyStart = next; break }
            if line.first == 0x20 || line.first == 0x09 {
                guard !lines.isEmpty else { throw BounceReport.NotAMessage(description: "the text starts with a continued header line") }
                lines[lines.count - 1].1 += " " + String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: 0x3A), colon > line.startIndex,
                      line[..<colon].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
                lines.append((String(decoding: line[..<colon], as: UTF8.self).lowercased(),
                              String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)))
                sawHeader = true
            } else if !nested {
                throw BounceReport.NotAMessage(description: "line \(lines.count + 1) is not a header line ('Name: value')")
            } else {
                break
            }
            i = next
        }
        guard sawHeader || nested else { throw BounceReport.NotAMessage(description: "there are no header lines") }
        headerLines = lines
        body = bodyStart < bytes.count ? Array(bytes[bodyStart...]) : []
    }

    func header(_ name: String) -> String? { headerLines.first { $0.name == name }?.value }
    func headers(_ name: String) -> [String] { headerLines.filter { $0.name == name }.map(\.value) }

    var contentType: ContentType {
        guard let value = header("content-type") else { return ContentType(type: "", parameters: [:]) }
        let pieces = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let eq = piece.firstIndex(of: "=") else { continue }
            var v = piece[piece.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            parameters[piece[..<eq].trimmingCharacters(in: .whitespaces).lowercased()] = v
        }
        return ContentType(type: pieces.first?.lowercased() ?? "", parameters: parameters)
    }

    /// The body, its transfer encoding undone.
    var decodedBody: [UInt8] {
        switch header("content-transfer-encoding")?.lowercased() {
        case "base64"?:
            let text = String(decoding: body.filter { $0 > 0x20 }, as: UTF8.self)
            return Data(base64Encoded: text, options: .ignoreUnknownCharacters).map(Array.init) ?? body
        case "quoted-printable"?:
            return MIMEPart.unquote(body)
        default:
            return body
        }
    }

    var decodedText: String { String(decoding: decodedBody, as: UTF8.self) }

    /// Quoted-printable decoded (RFC 2045): `=XX` and soft line breaks.
    static func unquote(_ bytes: [UInt8]) -> [UInt8] {
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x41...0x46: return b - 0x37
            case 0x61...0x66: return b - 0x57
            default: return nil
            }
        }
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x3D {
                if i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) { out.append(h << 4 | l); i += 3; continue }
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 2; continue }
                if i + 2 < bytes.count, bytes[i + 1] == 0x0D, bytes[i + 2] == 0x0A { i += 3; continue }
            }
            out.append(bytes[i])
            i += 1
        }
        return out
    }

    /// The parts of a multipart body (none otherwise).
    var parts: [MIMEPart] {
        guard contentType.type.hasPrefix("multipart/"), let boundary = contentType.parameters["boundary"], !boundary.isEmpty else { return [] }
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [MIMEPart] = []
        var start: Int?
        var i = 0
        let bytes = body
        while i < bytes.count {
            var end = i
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            let line = bytes[i..<end]
            if line.starts(with: delimiter) {
                if let s = start {
                    var partEnd = i
                    if partEnd > s, bytes[partEnd - 1] == 0x0A { partEnd -= 1 }
                    if partEnd > s, bytes[partEnd - 1] == 0x0D { partEnd -= 1 }
                    if let part = try? MIMEPart(Array(bytes[s..<partEnd]), nested: true) { parts.append(part) }
                }
                if line.dropFirst(delimiter.count).starts(with: [0x2D, 0x2D]) { return parts }
                start = end + 1
            }
            i = end + 1
        }
        return parts
    }

    /// This part and every part inside it, depth first; a returned message's own parts are not
    /// entered (its headers are what counts).
    func walk(_ visit: (MIMEPart) -> Void) {
        visit(self)
        for part in parts { part.walk(visit) }
    }

    /// Mail systems send bounces from MAILER-DAEMON or postmaster, with an empty Return-Path.
    var isFromMailSystem: Bool {
        let from = (header("from") ?? "").lowercased()
        return from.contains("mailer-daemon") || from.contains("postmaster") || from.contains("mail delivery")
            || header("return-path") == "<>" || contentType.type == "multipart/report"
    }

    /// Out-of-office and similar automatic replies (RFC 3834 and what common programs add).
    var isAutoReply: Bool {
        let submitted = (header("auto-submitted") ?? "no").lowercased()
        let subject = (header("subject") ?? "").lowercased()
        return submitted.hasPrefix("auto-replied") || header("x-autoreply") != nil || header("x-autorespond") != nil
            || (header("precedence") ?? "").lowercased() == "auto_reply"
            || ["out of office", "automatic reply", "abwesenheit", "autoreply", "auto:"].contains { subject.contains($0) }
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
