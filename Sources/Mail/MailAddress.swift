import Survey

/// A mailbox: an optional display name and an address, as in `Bildungsbüro <bildung@lkee.de>`.
public struct MailAddress: Sendable, Equatable {
    public var name: String?
    public var address: String

    public init(name: String?, address: String) {
        self.name = name
        self.address = address
    }

    /// Reads `Name <addr>` or a bare `addr`.
    public init?(parsing text: String) {
        let trimmed = text.trimmingSpaces()
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]).trimmingSpaces()
            var display = String(trimmed[..<open]).trimmingSpaces()
            if display.hasPrefix("\"") && display.hasSuffix("\"") && display.count >= 2 { display = String(display.dropFirst().dropLast()) }
            name = display.isEmpty ? nil : display
        } else {
            address = trimmed
            name = nil
        }
        guard !address.isEmpty, address.contains("@"), !address.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0.isNewline }) else { return nil }
    }

    /// The domain after `@`.
    public var domain: String { String(address[address.index(after: address.lastIndex(of: "@")!)...]) }

    /// The header form: the name as a quoted string, or as RFC 2047 encoded words when it is not ASCII.
    var headerValue: String {
        var out: [UInt8] = []
        appendHeaderValue(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func appendHeaderValue(to out: inout [UInt8]) {
        guard let name, !name.isEmpty else { return out.append(contentsOf: address.utf8) }
        MIME.phrase(name, into: &out)
        out.append(contentsOf: " <".utf8)
        out.append(contentsOf: address.utf8)
        out.append(0x3E)
    }
}
