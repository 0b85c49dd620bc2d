/// One row or column of a symbol as bits, module x in bit x (up to 192 modules: version 40 has
/// 177), so that the penalty rules of ISO/IEC 18004:2015, 7.8.3 test 64 modules at a time.
/// Bits past the end of the line are 0.
struct ModuleLine {
    var w0: UInt64 = 0
    var w1: UInt64 = 0
    var w2: UInt64 = 0

    /// Bits 0..<count set.
    init(ones count: Int) {
        w0 = count >= 64 ? ~0 : (1 << UInt64(count)) &- 1
        w1 = count >= 128 ? ~0 : count <= 64 ? 0 : (1 << UInt64(count - 64)) &- 1
        w2 = count <= 128 ? 0 : (1 << UInt64(count - 128)) &- 1
    }

    init(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
    }

    init() {}

    /// Sets module `index` dark when `bit` is 1.
    @inline(__always)
    mutating func insert(_ bit: UInt64, at index: Int) {
        let shifted = bit << UInt64(index & 63)
        switch index >> 6 {
        case 0: w0 |= shifted
        case 1: w1 |= shifted
        default: w2 |= shifted
        }
    }

    /// Whether module `index` is dark.
    @inline(__always)
    func contains(_ index: Int) -> Bool {
        let word = index < 64 ? w0 : index < 128 ? w1 : w2
        return word >> UInt64(index & 63) & 1 != 0
    }

    /// Bit x of the result is module x + k (k in 1..<64): the line moved k modules left.
    @inline(__always)
    func dropping(_ k: Int) -> ModuleLine {
        let k = UInt64(k)
        return ModuleLine(w0 >> k | w1 << (64 - k), w1 >> k | w2 << (64 - k), w2 >> k)
    }

    /// Bit x of the result is module x − 1.
    @inline(__always)
    func shiftedUp() -> ModuleLine {
        ModuleLine(w0 << 1, w1 << 1 | w0 >> 63, w2 << 1 | w1 >> 63)
    }

    @inline(__always)
    static func & (a: ModuleLine, b: ModuleLine) -> ModuleLine { ModuleLine(a.w0 & b.w0, a.w1 & b.w1, a.w2 & b.w2) }
    @inline(__always)
    static func ^ (a: ModuleLine, b: ModuleLine) -> ModuleLine { ModuleLine(a.w0 ^ b.w0, a.w1 ^ b.w1, a.w2 ^ b.w2) }
    @inline(__always)
    static prefix func ~ (a: ModuleLine) -> ModuleLine { ModuleLine(~a.w0, ~a.w1, ~a.w2) }

    /// The number of set bits.
    @inline(__always)
    var count: Int { w0.nonzeroBitCount + w1.nonzeroBitCount + w2.nonzeroBitCount }

    var isEmpty: Bool { w0 | w1 | w2 == 0 }

    /// Calls `body` with the index of every set bit, lowest first.
    @inline(__always)
    func forEachIndex(_ body: (Int) -> Void) {
        func each(_ word: UInt64, base: Int) {
            var rest = word
            while rest != 0 {
                body(base + rest.trailingZeroBitCount)
                rest &= rest &- 1
            }
        }
        each(w0, base: 0)
        each(w1, base: 64)
        each(w2, base: 128)
    }
}
