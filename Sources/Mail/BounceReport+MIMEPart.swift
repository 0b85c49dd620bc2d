import Foundation
import Glibc

extension BounceReport {
    /// How much structure a returned message may have before it is refused as no report.
    ///
    /// Anyone can send mail to a bounce+ address, so the reader must cost time and memory in
    /// proportion to the message whatever its shape. Real reports stay far inside: Postfix and
    /// Exim write 3 parts one level deep, Microsoft and Google 4 to 8 parts two or three deep,
    /// and a header section is a few KiB.
    enum Limits {
        /// Levels of multipart nesting below the message itself.
        static let depth = 8
        /// Entities in the whole message, counting the message itself.
        static let parts = 100
        /// Bytes of the header section of the message and of each part.
        static let headerBytes = 64 << 10
    }

    /// One MIME entity (RFC 2045, RFC 2046): headers and body, with its parts when it is multipart.
    /// Its body is a slice of the message's bytes, never a copy.
    struct MIMEPart {
        let headerLines: [(name: String, value: String)]
        let body: ArraySlice<UInt8>
        /// 0 for the message, 1 for its parts, and so on.
        let depth: Int

        struct ContentType {
            var type: String
            var parameters: [String: String]
        }

        /// - Throws: `BounceReport.NotAMessage` when the message has no header section, or a header
        ///   section longer than `Limits.headerBytes`.
        init(_ bytes: ArraySlice<UInt8>, depth: Int = 0) throws {
            let nested = depth > 0
            var lines: [(String, String)] = []
            var i = bytes.startIndex
            var bodyStart = bytes.endIndex
            var sawHeader = false
            while i < bytes.endIndex {
                let end = bytes.lineEnd(from: i)
                var line = bytes[i..<end]
                if line.last == 0x0D { line = line.dropLast() }
                let next = min(end + 1, bytes.endIndex)
                if line.isEmpty { bodyStart = next; break }
                let continued = line.first == 0x20 || line.first == 0x09
                let colon = continued ? nil : line.firstIndex(of: 0x3A).flatMap { colon in
                    colon > line.startIndex && line[..<colon].allSatisfy { $0 > 0x20 && $0 < 0x7F } ? colon : nil
                }
                if (continued || colon != nil) && end - bytes.startIndex > Limits.headerBytes {
                    throw BounceReport.NotAMessage(description: "a header section is longer than \(Limits.headerBytes >> 10) KiB, "
                                                   + "which no mail system writes")
                }
                if continued {
                    guard !lines.isEmpty else { throw BounceReport.NotAMessage(description: "the text starts with a continued header line") }
                    lines[lines.count - 1].1 += " " + String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                } else if let colon {
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
            body = bytes[bodyStart...]
            self.depth = depth
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
                return Data(base64Encoded: text, options: .ignoreUnknownCharacters).map(Array.init) ?? Array(body)
            case "quoted-printable"?:
                return QuotedPrintable.decode(body)
            default:
                return Array(body)
            }
        }

        var decodedText: String { String(decoding: decodedBody, as: UTF8.self) }

        /// This part and every part inside it, depth first; a returned message's own parts are not
        /// entered (its headers are what counts). One pass over each level's body, so the work is
        /// at most `Limits.depth + 1` passes over the message.
        /// - Throws: `BounceReport.NotAMessage` past `Limits.depth` or `Limits.parts`, without reading further.
        func allParts() throws -> [MIMEPart] {
            var found: [MIMEPart] = []
            var pending = [self]
            while let part = pending.popLast() {
                found.append(part)
                let room = Limits.parts - found.count - pending.count
                let parts = try part.parts(atMost: part.depth < Limits.depth ? room : 0)
                if !parts.isEmpty && part.depth >= Limits.depth {
                    throw BounceReport.NotAMessage(description: "its parts nest more than \(Limits.depth) levels deep, "
                                                   + "where a delivery report nests 1 to 3")
                }
                if parts.count > room {
                    throw BounceReport.NotAMessage(description: "it has more than \(Limits.parts) parts, where a delivery report has 3 to 8")
                }
                pending += parts.reversed()
            }
            return found
        }

        /// The parts of a multipart body (none otherwise), up to one more than `limit`: the search
        /// stops there. The parts lie between lines that start with the delimiter (RFC 2046 5.1.1),
        /// up to the one that closes it.
        func parts(atMost limit: Int) throws -> [MIMEPart] {
            let type = contentType
            guard type.type.hasPrefix("multipart/"), let boundary = type.parameters["boundary"], !boundary.isEmpty else { return [] }
            let delimiter = Array(("--" + boundary).utf8)
            var parts: [MIMEPart] = []
            var start: Int?
            var from = body.startIndex
            while let i = body.firstLine(from: from, startingWith: delimiter) {
                let end = body.lineEnd(from: i)
                if let s = start {
                    var partEnd = i
                    if partEnd > s, body[partEnd - 1] == 0x0A { partEnd -= 1 }
                    if partEnd > s, body[partEnd - 1] == 0x0D { partEnd -= 1 }
                    // A part that starts with a continued header line is no part (skipped, as always).
                    if body[s..<partEnd].first != 0x20 && body[s..<partEnd].first != 0x09 {
                        parts.append(try MIMEPart(body[s..<partEnd], depth: depth + 1))
                        if parts.count > limit { return parts }
                    }
                }
                if body[(i + delimiter.count)...].starts(with: [0x2D, 0x2D]) { return parts }
                start = end + 1
                from = end + 1
            }
            return parts
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
}

extension ArraySlice<UInt8> {
    /// The index of the first LF at or after `i`, else `endIndex` (memchr: one fast pass in any build).
    fileprivate func lineEnd(from i: Int) -> Int {
        guard i < endIndex else { return endIndex }
        return withUnsafeBufferPointer { buffer in
            let offset = i - startIndex
            guard let found = memchr(buffer.baseAddress! + offset, 0x0A, buffer.count - offset) else { return endIndex }
            return startIndex + UnsafeRawPointer(buffer.baseAddress!).distance(to: found)
        }
    }

    /// The start of the first line at or after the line start `i` that begins with `prefix`, else
    /// nil. One memchr per line and a memcmp where the first byte matches, which stops at the first
    /// difference (at the line's end, as `prefix` holds no LF): fast in any build, linear in the lines.
    fileprivate func firstLine(from i: Int, startingWith prefix: [UInt8]) -> Int? {
        guard i < endIndex, let first = prefix.first else { return nil }
        return withUnsafeBufferPointer { buffer in
            prefix.withUnsafeBufferPointer { prefix -> Int? in
                let base = buffer.baseAddress!
                var line = i - startIndex
                while line < buffer.count {
                    if base[line] == first, buffer.count - line >= prefix.count, memcmp(base + line, prefix.baseAddress!, prefix.count) == 0 {
                        return startIndex + line
                    }
                    guard let lf = memchr(base + line, 0x0A, buffer.count - line) else { return nil }
                    line = UnsafeRawPointer(base).distance(to: lf) + 1
                }
                return nil
            }
        }
    }
}
