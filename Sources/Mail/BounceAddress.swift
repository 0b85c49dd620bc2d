/// The envelope sender of each delivery (VERP): a prefix, the delivery's opaque id and a
/// suffix, e.g. `bounce+` `3f9a…` `@lkee.de`, so a returned message says which delivery it is
/// about by the address it was sent back to.
public struct BounceAddress: Sendable, Equatable {
    public let prefix: String
    /// Nil when the configured address has no `{id}` and is used as it is.
    public let suffix: String?

    /// `pattern`: `MITREDEN_BOUNCE_ADDRESS` (with `{id}`); default `bounce+{id}@` + the domain of `from`.
    public init(pattern: String?, from: MailAddress) {
        let pattern = pattern ?? "bounce+{id}@\(from.domain)"
        if let range = pattern.range(of: "{id}") {
            prefix = String(pattern[..<range.lowerBound])
            suffix = String(pattern[range.upperBound...])
        } else {
            prefix = pattern
            suffix = nil
        }
    }

    public func address(_ id: String) -> String { suffix.map { prefix + id + $0 } ?? prefix }

    /// The delivery id in `address` (`<…>` and case ignored), if it has this shape.
    public func id(in address: String) -> String? {
        guard let suffix else { return nil }
        var a = Substring(address.lowercased()).trimmingCharacters(in: .whitespaces)
        if let open = a.firstIndex(of: "<"), let close = a[open...].firstIndex(of: ">") { a = String(a[a.index(after: open)..<close]) }
        let (p, s) = (prefix.lowercased(), suffix.lowercased())
        guard a.count > p.count + s.count, a.hasPrefix(p), a.hasSuffix(s) else { return nil }
        let id = a.dropFirst(p.count).dropLast(s.count)
        guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return String(id)
    }
}
