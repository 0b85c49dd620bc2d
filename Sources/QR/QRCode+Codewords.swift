/// The codewords of a QR code in byte mode: ISO/IEC 18004:2015, 7.4 (data encoding) and 7.6
/// (the final message).
extension QRCode {
    /// The length of byte mode's character count indicator (Table 3): 8 bits for
    /// versions 1–9, 16 bits from version 10.
    static func countBits(version: Int) -> Int { version < 10 ? 8 : 16 }

    /// How many bytes fit a version at a level in byte mode (Table 7): the data codewords less
    /// the mode indicator and the character count indicator.
    public static func byteCapacity(version: Int, level: ErrorCorrection) -> Int {
        let dataBits = QRTables.blocks[version - 1][level.rawValue].dataCodewords * 8
        return (dataBits - 4 - countBits(version: version)) / 8
    }

    /// The smallest version that holds `count` bytes at `level`, or nil when none does.
    static func smallestVersion(for count: Int, level: ErrorCorrection) -> Int? {
        (1...40).first { byteCapacity(version: $0, level: level) >= count }
    }

    /// The data codewords (7.4): mode indicator 0100, the character count, the bytes, a
    /// terminator of up to four 0 bits, 0 bits up to the next codeword boundary (7.4.10), then
    /// the pad codewords 11101100 and 00010001 alternately.
    static func dataCodewords(_ bytes: [UInt8], version: Int, count: Int) -> [UInt8] {
        var codewords = [UInt8]()
        codewords.reserveCapacity(count)
        var accumulator: UInt32 = 0   // bits not yet written, right-aligned
        var pending = 0
        func append(_ value: UInt32, bits: Int) {
            accumulator = accumulator << UInt32(bits) | value
            pending += bits
            while pending >= 8 {
                pending -= 8
                codewords.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(pending)))
            }
            accumulator &= (1 << UInt32(pending)) - 1
        }
        append(0b0100, bits: 4)
        append(UInt32(bytes.count), bits: countBits(version: version))
        for byte in bytes { append(UInt32(byte), bits: 8) }
        // The terminator, as much of it as fits, then the padding bits to a whole codeword:
        // in byte mode 4 bits remain at this point, and a full symbol has room for exactly them.
        if pending > 0 { append(0, bits: 8 - pending) }
        var pad: UInt8 = 0b1110_1100
        while codewords.count < count {
            codewords.append(pad)
            pad = pad == 0b1110_1100 ? 0b0001_0001 : 0b1110_1100
        }
        return codewords
    }

    /// The final message (7.6): the data codewords split into blocks as Table 9 says, each
    /// block's error correction codewords computed, then the data codewords interleaved block by
    /// block, followed by the error correction codewords interleaved the same way.
    static func finalMessage(_ data: [UInt8], blocks: QRTables.Blocks) -> [UInt8] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(blocks.count)
        var start = 0
        for i in 0..<blocks.count {
            let length = i < blocks.group1Count ? blocks.group1Data : blocks.group2Data
            ranges.append(start..<start + length)
            start += length
        }
        let corrections = ranges.map { ReedSolomon.errorCorrection(for: data[$0], count: blocks.eccPerBlock) }
        var message = [UInt8]()
        message.reserveCapacity(blocks.totalCodewords)
        for i in 0..<max(blocks.group1Data, blocks.group2Data) {
            for range in ranges where i < range.count { message.append(data[range.lowerBound + i]) }
        }
        for i in 0..<blocks.eccPerBlock {
            for correction in corrections { message.append(correction[i]) }
        }
        return message
    }
}
