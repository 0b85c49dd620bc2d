/// A malformed JSON text, with the byte offset of the problem.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { "at byte \(offset): \(message)" }
}

/// A strict RFC 8259 reader: one value, UTF-8, no comments, no trailing commas, no duplicate
/// keys, nesting at most `maxDepth` deep (so that hostile input cannot exhaust the stack).
public struct JSONParser {
    public static func parse(_ text: String, maxDepth: Int = 64) throws -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    /// - Throws: `JSONError`.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.i == bytes.count else { throw JSONError(offset: parser.i, message: "unexpected text after the value") }
        return value
    }

    let bytes: [UInt8]
    let maxDepth: Int
    var i = 0

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    func fail(_ message: String) -> JSONError { JSONError(offset: i, message: message) }

    mutating func value(depth: Int) throws -> JSONValue {
        guard i < bytes.count else { throw fail("unexpected end; a value was expected") }
        switch bytes[i] {
        case 0x7B: return try object(depth: depth + 1)
        case 0x5B: return try array(depth: depth + 1)
        case 0x22: return .string(try string())
        case 0x74: try literal("true"); return .bool(true)
        case 0x66: try literal("false"); return .bool(false)
        case 0x6E: try literal("null"); return .null
        case 0x2D, 0x30...0x39: return try number()
        default: throw fail("unexpected character; a value was expected")
        }
    }

    mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw fail("unknown literal; expected \(word)") }
        i += w.count
    }

    mutating func object(depth: Int) throws -> JSONValue {
        guard depth <= maxDepth else { throw fail("nested deeper than \(maxDepth) levels") }
        i += 1
        var members: [(String, JSONValue)] = []
        var keys = Set<String>()
        skipSpace()
        if i < bytes.count, bytes[i] == 0x7D { i += 1; return .object(members) }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == 0x22 else { throw fail("expected a key in quotes") }
            let keyOffset = i
            let key = try string()
            guard keys.insert(key).inserted else { throw JSONError(offset: keyOffset, message: "the key \"\(key)\" appears twice") }
            skipSpace()
            guard i < bytes.count, bytes[i] == 0x3A else { throw fail("expected ':' after the key") }
            i += 1
            skipSpace()
            members.append((key, try value(depth: depth)))
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end; expected ',' or '}'") }
            if bytes[i] == 0x2C { i += 1; continue }
            if bytes[i] == 0x7D { i += 1; return .object(members) }
            throw fail("expected ',' or '}'")
        }
    }

    mutating func array(depth: Int) throws -> JSONValue {
        guard depth <= maxDepth else { throw fail("nested deeper than \(maxDepth) levels") }
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if i < bytes.count, bytes[i] == 0x5D { i += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value(depth: depth))
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end; expected ',' or ']'") }
            if bytes[i] == 0x2C { i += 1; continue }
            if bytes[i] == 0x5D { i += 1; return .array(items) }
            throw fail("expected ',' or ']'")
        }
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("\\u needs four hexadecimal digits") }
        var v: UInt32 = 0
        for b in bytes[i..<(i + 4)] {
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x41...0x46: d = b - 0x41 + 10
            case 0x61...0x66: d = b - 0x61 + 10
            default: throw fail("\\u needs four hexadecimal digits")
            }
            v = v << 4 | UInt32(d)
        }
        i += 4
        return v
    }

    mutating func string() throws -> String {
        i += 1
        var out: [UInt8] = []
        var runStart = i
        while true {
            guard i < bytes.count else { throw fail("a string is never closed") }
            let b = bytes[i]
            if b == 0x22 { out += bytes[runStart..<i]; i += 1; break }
            if b < 0x20 { throw fail("a control character inside a string must be escaped") }
            if b != 0x5C { i += 1; continue }
            out += bytes[runStart..<i]
            i += 1
            guard i < bytes.count else { throw fail("a string is never closed") }
            let e = bytes[i]
            i += 1
            switch e {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x2F: out.append(0x2F)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 6 <= bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 else { throw fail("a lone surrogate in \\u escape") }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("a lone surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw fail("a lone surrogate in \\u escape")
                }
                out += Array(String(Unicode.Scalar(scalar)!).utf8)
            default: throw fail("unknown escape")
            }
            runStart = i
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw fail("the string is not valid UTF-8") }
        return text
    }

    mutating func number() throws -> JSONValue {
        let start = i
        if bytes[i] == 0x2D { i += 1 }
        guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else { throw fail("a number needs digits") }
        if bytes[i] == 0x30 { i += 1 } else { while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 } }
        var integral = true
        if i < bytes.count, bytes[i] == 0x2E {
            integral = false
            i += 1
            guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else { throw fail("a number needs digits after '.'") }
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
            integral = false
            i += 1
            if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else { throw fail("a number needs digits in its exponent") }
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if integral, let int = Int(text) { return .int(int) }
        guard let double = Double(text), double.isFinite else { throw JSONError(offset: start, message: "the number is out of range") }
        guard ExactDecimal.holds(double, text) else {
            throw JSONError(offset: start, message: "the number has more digits than a 64-bit floating-point number keeps; round it to at most 15 significant digits")
        }
        return .double(double)
    }
}

extension JSONValue {
    /// The string members of an object, in order (other members left out).
    public var stringMembers: [(String, String)] {
        guard case .object(let members) = self else { return [] }
        return members.compactMap { if case .string(let s) = $0.1 { return ($0.0, s) } else { return nil } }
    }
}
