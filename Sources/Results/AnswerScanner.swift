import Glibc
import JSON

/// Reads stored answers and attributes straight from their UTF-8 bytes, without building JSON
/// values: the fast path that tallies a million responses in about a second. It takes exactly
/// the shape `CheckedAnswers.json` writes (compact, known members and codes, numbers where
/// numbers belong) and returns false on anything else, and the caller then reads that row the
/// slow, general way (`JSONParser` and `Survey.storedAnswers`), so both give the same tallies.
struct AnswerScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var p = 0
    /// The question expected next.
    var next = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
    static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}"), openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    static let otherSuffix = Array(".other".utf8)

    /// Whether `bytes` are `known`.
    @inline(__always)
    static func equal(_ known: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard known.count == bytes.count else { return false }
        return known.withUnsafeBufferPointer { k in
            for i in 0..<k.count where k[i] != bytes[i] { return false }
            return true
        }
    }

    /// The question whose id is `key`: members come in question order, so the one after the
    /// previous member is tried first.
    mutating func question(_ key: UnsafeBufferPointer<UInt8>, _ plan: TallyPlan) -> Int? {
        if next < plan.entries.count, Self.equal(plan.entries[next].idBytes, key) {
            next += 1
            return next - 1
        }
        guard let i = plan.entries.firstIndex(where: { Self.equal($0.idBytes, key) }) else { return nil }
        next = i + 1
        return i
    }

    /// Fills `row` from an answers object; false when the row needs the general reader.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, into row: inout RowAnswers, _ plan: TallyPlan) -> Bool {
        row.clear()
        var s = AnswerScanner(bytes)
        return s.object { s, key in s.member(key, &row, plan) }
    }

    /// The value of the string member `key` of an attributes object, as raw bytes (nil: absent);
    /// false when the object needs the general reader.
    static func attribute(_ bytes: UnsafeBufferPointer<UInt8>, _ key: [UInt8]) -> (ok: Bool, value: UnsafeBufferPointer<UInt8>?) {
        var s = AnswerScanner(bytes)
        var found: UnsafeBufferPointer<UInt8>?
        let ok = s.object { s, name in
            guard let value = s.rawString() else { return false }
            if equal(key, name) { found = value }
            return true
        }
        return (ok, found)
    }

    /// `{` members `}` and the end of the text; `body` reads each member's value.
    mutating func object(_ body: (inout AnswerScanner, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        guard take(Self.openBrace) else { return false }
        if take(Self.closeBrace) { return p == bytes.count }
        while true {
            guard let key = rawString(), take(Self.colon), body(&self, key) else { return false }
            if take(Self.comma) { continue }
            return take(Self.closeBrace) && p == bytes.count
        }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard p < bytes.count, bytes[p] == byte else { return false }
        p += 1
        return true
    }

    /// A string without escapes or control characters, as its bytes between the quotes.
    mutating func rawString() -> UnsafeBufferPointer<UInt8>? {
        guard take(Self.quote) else { return nil }
        let start = p
        while p < bytes.count {
            let b = bytes[p]
            if b == Self.quote {
                p += 1
                return UnsafeBufferPointer(rebasing: bytes[start..<p - 1])
            }
            if b == Self.backslash || b < 0x20 { return nil }
            p += 1
        }
        return nil
    }

    /// Any JSON string, decoded (escapes through the general parser).
    mutating func string() -> String? {
        let start = p
        if let raw = rawString() { return String(decoding: raw, as: UTF8.self) }
        p = start
        guard take(Self.quote) else { return nil }
        while p < bytes.count, bytes[p] != Self.quote {
            if bytes[p] < 0x20 { return nil }
            p += bytes[p] == Self.backslash ? 2 : 1
        }
        guard p < bytes.count else { return nil }
        p += 1
        guard case .string(let text)? = try? JSONParser.parse(Array(bytes[start..<p])) else { return nil }
        return text
    }

    /// A JSON string as the row's bytes when it has no escapes, else decoded.
    mutating func text() -> RowText? {
        let start = p
        if let raw = rawString() { return .raw(raw) }
        p = start
        return string().map(RowText.decoded)
    }

    /// An integer of up to 15 digits, optionally negative.
    mutating func integer() -> Int? {
        let negative = take(UInt8(ascii: "-"))
        let start = p
        var value = 0
        while p < bytes.count, bytes[p] >= 0x30, bytes[p] <= 0x39, p - start < 15 {
            value = value * 10 + Int(bytes[p] - 0x30)
            p += 1
        }
        guard p > start, p - start == 1 || bytes[start] != 0x30 else { return nil }
        if p < bytes.count {
            let next = bytes[p]
            if next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") || (next >= 0x30 && next <= 0x39) { return nil }
        }
        return negative ? -value : value
    }

    /// A code string from `entry`'s codes, as its index.
    mutating func code(_ entry: TallyPlan.Entry) -> Int? { rawString().flatMap(entry.code) }

    mutating func member(_ key: UnsafeBufferPointer<UInt8>, _ row: inout RowAnswers, _ plan: TallyPlan) -> Bool {
        let suffix = Self.otherSuffix
        if key.count > suffix.count, Self.equal(suffix, UnsafeBufferPointer(rebasing: key[(key.count - suffix.count)...])) {
            let id = UnsafeBufferPointer(rebasing: key[..<(key.count - suffix.count)])
            guard let i = question(id, plan), row.other[i] == nil,
                  let text = text() else { return false }
            row.other[i] = text
            return true
        }
        guard let i = question(key, plan), !row.present[i] else { return false }
        let entry = plan.entries[i]
        row.present[i] = true
        switch entry.kind {
        case .single, .yesno:
            guard let c = code(entry) else { return false }
            row.choice[i] = c
        case .text:
            guard let text = text() else { return false }
            row.text[i] = text
        case .scale:
            guard let n = integer(), n - entry.scaleMin >= 0, n - entry.scaleMin < entry.codes.count else { return false }
            row.number[i] = Double(n)
            row.choice[i] = n - entry.scaleMin
        case .number:
            guard let n = integer() else { return false }
            row.number[i] = Double(n)
        case .multi, .ranking:
            guard take(Self.openBracket) else { return false }
            if take(Self.closeBracket) { return true }
            while true {
                guard let c = code(entry) else { return false }
                row.items[i].append(c)
                if take(Self.comma) { continue }
                return take(Self.closeBracket)
            }
        case .matrix:
            guard take(Self.openBrace) else { return false }
            if take(Self.closeBrace) { return true }
            var previous = -1
            while true {
                // Rows in declared order, as they are written; anything else takes the general way.
                guard let rowKey = rawString(), let r = entry.row(rowKey), r > previous, take(Self.colon), let c = code(entry) else { return false }
                previous = r
                row.items[i].append(r * (entry.codes.count + 1) + c)
                if take(Self.comma) { continue }
                return take(Self.closeBrace)
            }
        }
        return true
    }
}
