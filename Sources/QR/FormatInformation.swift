/// The format information (ISO/IEC 18004:2015, 7.9 and Annex C) and the version information
/// (7.10 and Annex D) of a QR code symbol, and where they are drawn.
enum FormatInformation {
    /// The 15 format bits: the level's two bits and the mask's three, a BCH(15,5) code with
    /// the generator x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1 (0x537), then XOR 101010000010010 (0x5412)
    /// so that no combination is all light.
    static func bits(level: ErrorCorrection, mask: Int) -> Int {
        let data = level.formatBits << 3 | mask
        return (data << 10 | bchRemainder(data << 10, generator: 0x537)) ^ 0x5412
    }

    /// The 18 version bits of versions 7 and up: the version's six bits and a BCH(18,6) code
    /// with the generator x¹² + x¹¹ + x¹⁰ + x⁹ + x⁸ + x⁵ + x² + 1 (0x1F25).
    static func versionBits(version: Int) -> Int {
        version << 12 | bchRemainder(version << 12, generator: 0x1F25)
    }

    /// The remainder of the polynomial `value` divided by `generator`, over GF(2).
    static func bchRemainder(_ value: Int, generator: Int) -> Int {
        let degree = Int.bitWidth - generator.leadingZeroBitCount - 1
        var remainder = value
        while remainder != 0 && Int.bitWidth - remainder.leadingZeroBitCount - 1 >= degree {
            remainder ^= generator << (Int.bitWidth - remainder.leadingZeroBitCount - 1 - degree)
        }
        return remainder
    }

    /// Draws both copies of the format information and the dark module (7.9.1):
    /// bits 0–7 down column 8 beside the top left finder (skipping the timing row) and from
    /// the right along row 8 under the top right finder; bits 8–14 along row 8 to the left of
    /// the top left finder and up column 8 beside the bottom left finder.
    static func draw(level: ErrorCorrection, mask: Int, into modules: inout [UInt8], size: Int) {
        let format = bits(level: level, mask: mask)
        func put(_ x: Int, _ y: Int, _ bit: Int) { modules[y * size + x] = UInt8(format >> bit & 1) }
        for bit in 0...5 { put(8, bit, bit) }
        put(8, 7, 6)
        put(8, 8, 7)
        put(7, 8, 8)
        for bit in 9...14 { put(14 - bit, 8, bit) }
        for bit in 0...7 { put(size - 1 - bit, 8, bit) }
        for bit in 8...14 { put(8, size - 15 + bit, bit) }
        modules[(size - 8) * size + 8] = 1
    }

    /// Draws both copies of the version information (7.10, Figure 27): a 6 × 3 block above the
    /// bottom left finder, bits 3i to 3i + 2 down its column i, and its transpose left of the
    /// top right finder.
    static func drawVersion(_ version: Int, into modules: inout [UInt8], size: Int) {
        guard version >= 7 else { return }
        let bits = versionBits(version: version)
        for i in 0..<6 {
            for j in 0..<3 {
                let bit = UInt8(bits >> (3 * i + j) & 1)
                modules[(size - 11 + j) * size + i] = bit
                modules[i * size + size - 11 + j] = bit
            }
        }
    }
}
