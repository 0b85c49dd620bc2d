/// Access codes: what a person types from a code card or a letter instead of opening a mailed
/// link (SPEC.md, "Reaching people without email"). Twelve characters of an alphabet without
/// the look-alikes 0/O and 1/I, written `XXXX-XXXX-XXXX`: eleven random (55 bits from the
/// kernel's secure source) and a check character, Luhn mod 32 over the eleven, which catches
/// every single mistyped character and every swap of two neighbours before any lookup.
public enum AccessCode {
    public static let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ".utf8)
    static let values: [UInt8: Int] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($0.element, $0.offset) })

    /// A new code, normalized (twelve characters, no dashes).
    public static func make() -> String {
        let bytes = Token.secureRandomBytes(7)
        var bits = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        var body: [UInt8] = []
        for _ in 0..<11 {
            body.append(alphabet[Int(bits & 31)])
            bits >>= 5
        }
        return String(decoding: body + [checkCharacter(body)], as: UTF8.self)
    }

    /// Luhn mod N (N = 32) over `body`: the character that makes the weighted sum divisible by 32.
    static func checkCharacter(_ body: [UInt8]) -> UInt8 {
        var factor = 2
        var sum = 0
        for b in body.reversed() {
            let addend = factor * values[b]!
            sum += addend / 32 + addend % 32
            factor = factor == 2 ? 1 : 2
        }
        return alphabet[(32 - sum % 32) % 32]
    }

    /// What a person typed, as the stored code: case, spaces and dashes ignored. nil when it
    /// cannot be a code (a character outside the alphabet, not twelve of them, or a check
    /// character that does not fit: a typo).
    public static func normalize(_ typed: String) -> String? {
        var code: [UInt8] = []
        for b in typed.utf8 where b != 0x20 && b != 0x2D && b != 0x09 {
            let upper = b >= 0x61 && b <= 0x7A ? b - 0x20 : b
            guard values[upper] != nil, code.count < 12 else { return nil }
            code.append(upper)
        }
        guard code.count == 12, checkCharacter(Array(code[0..<11])) == code[11] else { return nil }
        return String(decoding: code, as: UTF8.self)
    }

    /// `XXXX-XXXX-XXXX`, for print.
    public static func formatted(_ code: String) -> String {
        let c = Array(code)
        guard c.count == 12 else { return code }
        return String(c[0..<4]) + "-" + String(c[4..<8]) + "-" + String(c[8..<12])
    }
}
