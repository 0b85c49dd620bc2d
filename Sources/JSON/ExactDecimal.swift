/// Whether a Double is the very number a decimal text writes. A Double keeps 15 to 17
/// significant digits: `1.0000000000000000000001` and `12345678901234567` read as 1 and
/// 12345678901234568. Reading such a text as a Double would store another number than the one
/// given (RFC 8259, 6 and 9: a reader may limit the precision it accepts).
public enum ExactDecimal {
    /// True when `value`, written in its shortest form, is the number `text` writes (an optional
    /// sign, digits with at most one `.`, an optional exponent): `2.50` and 2.5, `-0` and -0.0.
    public static func holds(_ value: Double, _ text: String) -> Bool {
        guard value.isFinite, let written = canonical(Array(text.utf8)), let stored = canonical(Array("\(value)".utf8)) else { return false }
        return written == stored
    }

    /// The number as sign, significant digits (no leading or trailing zeros) and the power of ten
    /// of the place before the first digit; zero has no sign and no digits. Nil for other text.
    static func canonical(_ b: [UInt8]) -> Canonical? {
        var i = 0
        var negative = false
        if i < b.count, b[i] == 0x2D || b[i] == 0x2B { negative = b[i] == 0x2D; i += 1 }
        var digits: [UInt8] = []
        var integerDigits = 0
        var seenPoint = false
        while i < b.count {
            if (0x30...0x39).contains(b[i]) {
                digits.append(b[i])
                if !seenPoint { integerDigits += 1 }
            } else if b[i] == 0x2E && !seenPoint {
                seenPoint = true
            } else {
                break
            }
            i += 1
        }
        var exponent = 0
        if i < b.count, b[i] == 0x65 || b[i] == 0x45 {
            let rest = b[(i + 1)...]
            guard !rest.isEmpty, rest.dropFirst(rest.first == 0x2B || rest.first == 0x2D ? 1 : 0).allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            // An exponent too large for Int only matters when there is a digit to move.
            exponent = Int(String(decoding: rest, as: UTF8.self)) ?? Int.max
            i = b.count
        }
        guard i == b.count, !digits.isEmpty else { return nil }
        let leading = digits.prefix { $0 == 0x30 }.count
        guard leading < digits.count else { return Canonical(negative: false, digits: [], power: 0) }
        digits.removeFirst(leading)
        while digits.last == 0x30 { digits.removeLast() }
        let (power, overflow) = (integerDigits - leading).addingReportingOverflow(exponent)
        guard !overflow, exponent != Int.max else { return nil }
        return Canonical(negative: negative, digits: digits, power: power)
    }

    struct Canonical: Equatable {
        var negative: Bool
        var digits: [UInt8]
        var power: Int
    }
}
