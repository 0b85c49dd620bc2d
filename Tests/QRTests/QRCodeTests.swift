import Testing
@testable import QR

@Suite("QR code parts against the standard's examples")
struct QRCodeTests {
    @Test("Reed–Solomon gives the error correction codewords of HELLO WORLD 1-M")
    func helloWorld() {
        // "HELLO WORLD" in alphanumeric mode, version 1-M (thonky.com's worked example).
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon.errorCorrection(for: data[...], count: 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test("Reed–Solomon gives the error correction codewords of the standard's 01234567 1-M example")
    func annexI() {
        // ISO/IEC 18004:2015, Annex I: "01234567" in numeric mode, version 1-M.
        let data: [UInt8] = [0b0001_0000, 0b0010_0000, 0b0000_1100, 0b0101_0110, 0b0110_0001, 0b1000_0000,
                             236, 17, 236, 17, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon.errorCorrection(for: data[...], count: 10) == [165, 36, 212, 193, 237, 54, 199, 135, 44, 85])
    }

    @Test("the generator polynomials of degree 7 and 10 are Annex A's")
    func generators() {
        #expect(ReedSolomon.generators[7] == [87, 229, 146, 149, 238, 102, 21])
        #expect(ReedSolomon.generators[10] == [251, 67, 46, 61, 118, 70, 64, 94, 32, 45])
    }

    @Test("format information is Annex C's for known levels and masks",
          arguments: [(ErrorCorrection.medium, 0, 0x5412), (.medium, 5, 0x40CE), (.low, 0, 0x77C4),
                      (.quartile, 0, 0x355F), (.high, 7, 0x083B)])
    func formatInformation(level: ErrorCorrection, mask: Int, expected: Int) {
        #expect(FormatInformation.bits(level: level, mask: mask) == expected)
    }

    @Test("the 32 format information words differ from each other in at least 7 bits")
    func formatDistance() {
        let words = ErrorCorrection.allCases.flatMap { level in (0..<8).map { FormatInformation.bits(level: level, mask: $0) } }
        for (i, a) in words.enumerated() {
            for b in words[(i + 1)...] { #expect((a ^ b).nonzeroBitCount >= 7) }
        }
    }

    @Test("version information is Annex D's for versions 7 and 40")
    func versionInformation() {
        #expect(FormatInformation.versionBits(version: 7) == 0x07C94)
        #expect(FormatInformation.versionBits(version: 40) == 0x28C69)
    }

    @Test("the blocks of every version hold as many codewords as the symbol has data modules")
    func tablesAgree() {
        for version in 1...40 {
            let patterns = FunctionPatterns(version: version)
            let dataModules = patterns.isFunction.filter { $0 == 0 }.count
            for level in ErrorCorrection.allCases {
                #expect(QRTables.blocks[version - 1][level.rawValue].totalCodewords == dataModules / 8, "version \(version)-\(level)")
            }
        }
    }

    @Test("byte capacities are Table 7's at the corners", arguments: [
        (1, ErrorCorrection.low, 17), (1, .medium, 14), (1, .quartile, 11), (1, .high, 7),
        (10, .medium, 213), (40, .low, 2953), (40, .medium, 2331), (40, .quartile, 1663), (40, .high, 1273),
    ])
    func capacities(version: Int, level: ErrorCorrection, bytes: Int) {
        #expect(QRCode.byteCapacity(version: version, level: level) == bytes)
    }

    @Test("the smallest version that holds the text is chosen", arguments: ErrorCorrection.allCases)
    func smallestVersion(level: ErrorCorrection) throws {
        for version in [1, 2, 6, 9, 10, 26, 39] {
            let capacity = QRCode.byteCapacity(version: version, level: level)
            #expect(try QRCode(bytes: Array(repeating: 0x61, count: capacity), level: level).version == version)
            #expect(try QRCode(bytes: Array(repeating: 0x61, count: capacity + 1), level: level).version == version + 1)
        }
    }

    @Test("a text too long for version 40 is an error that says the limit and what to do", arguments: ErrorCorrection.allCases)
    func tooLong(level: ErrorCorrection) {
        let capacity = QRCode.byteCapacity(version: 40, level: level)
        #expect(throws: Never.self) { try QRCode(bytes: Array(repeating: 0x61, count: capacity), level: level) }
        #expect(throws: QRError.textTooLong(bytes: capacity + 1, level: level, capacity: capacity)) {
            try QRCode(bytes: Array(repeating: 0x61, count: capacity + 1), level: level)
        }
        let message = QRError.textTooLong(bytes: capacity + 1, level: level, capacity: capacity).description
        #expect(message.contains("at most \(capacity) bytes at error correction \(level)"))
        #expect(message.contains("shorten the text or choose a lower error correction level"))
    }

    @Test("a text too long for a forced version, or a version or mask that does not exist, is an error")
    func invalidRequests() {
        #expect(throws: QRError.textTooLongForVersion(bytes: 15, version: 1, level: .medium, capacity: 14)) {
            try QRCode(text: String(repeating: "x", count: 15), version: 1)
        }
        #expect(throws: QRError.invalidVersion(41)) { try QRCode(text: "x", version: 41) }
        #expect(throws: QRError.invalidVersion(0)) { try QRCode(text: "x", version: 0) }
        #expect(throws: QRError.invalidMask(8)) { try QRCode(text: "x", mask: 8) }
    }

    @Test("a forced version and mask are kept, and M is the default level")
    func forced() throws {
        let code = try QRCode(text: "https://mitreden.example", version: 7, mask: 6)
        #expect(code.version == 7 && code.mask == 6 && code.level == .medium && code.size == 45)
    }

    @Test("the finder patterns, timing patterns and dark module are where 6.3 puts them")
    func functionPatterns() throws {
        let code = try QRCode(text: "Mitreden", level: .high, version: 3)
        for (fx, fy) in [(0, 0), (code.size - 7, 0), (0, code.size - 7)] {
            for d in 0..<7 {
                #expect(code[fx + d, fy] && code[fx + d, fy + 6] && code[fx, fy + d] && code[fx + 6, fy + d])
                if d >= 1 && d <= 5 { #expect(!code[fx + d, fy + 1] && !code[fx + 1, fy + d]) }
            }
            #expect(code[fx + 3, fy + 3])
        }
        for i in 8..<(code.size - 8) {
            #expect(code[i, 6] == (i % 2 == 0) && code[6, i] == (i % 2 == 0))
        }
        #expect(code[8, code.size - 8])
    }
}
