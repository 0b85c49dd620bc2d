import Testing
@testable import QR

@Suite("mask penalty score")
struct MaskPenaltyTests {
    /// The penalty rules as segno writes them (segno/encoder.py, mask_scores), one module at
    /// a time over bytes: the reference the bit-parallel `Mask.penalty` must agree with.
    static func reference(_ m: [UInt8], size: Int) -> Int {
        func line(_ at: (Int) -> UInt8) -> Int {
            var score = 0, run = 1
            for i in 1..<size {
                if at(i) == at(i - 1) { run += 1 } else { if run >= 5 { score += run - 2 }; run = 1 }
            }
            if run >= 5 { score += run - 2 }
            let pattern: [UInt8] = [1, 0, 1, 1, 1, 0, 1]
            var i = 0
            while i + 7 <= size {
                guard (0..<7).allSatisfy({ at(i + $0) == pattern[$0] }) else { i += 1; continue }
                let before = (max(i - 4, 0)..<i).allSatisfy { at($0) == 0 }
                let after = ((i + 7)..<min(i + 11, size)).allSatisfy { at($0) == 0 }
                if before || after { score += 40; i += 7 } else { i += 4 }
            }
            return score
        }
        var score = 0, dark = 0
        for y in 0..<size {
            score += line { m[y * size + $0] }
            score += line { m[$0 * size + y] }
            for x in 0..<size {
                dark += Int(m[y * size + x])
                if x > 0 && y > 0 {
                    let c = m[y * size + x]
                    if c == m[y * size + x - 1] && c == m[(y - 1) * size + x] && c == m[(y - 1) * size + x - 1] { score += 3 }
                }
            }
        }
        let percent = Double(dark) / Double(size * size) * 100
        return score + 10 * Int(abs(percent - 50) / 5)
    }

    static func score(_ m: [UInt8], size: Int) -> Int {
        var rows = [UInt64](repeating: 0, count: 3 * size), columns = rows
        let isData = [UInt8](repeating: 0, count: size * size)
        m.withUnsafeBufferPointer { m in
            isData.withUnsafeBufferPointer { isData in
                rows.withUnsafeMutableBufferPointer { rows in
                    columns.withUnsafeMutableBufferPointer { columns in
                        Mask.lines(0, unmasked: m, isData: isData, size: size, rows: rows, columns: columns)
                    }
                }
            }
        }
        return rows.withUnsafeBufferPointer { r in columns.withUnsafeBufferPointer { Mask.penalty(rows: r, columns: $0, size: size) } }
    }

    @Test("the bit-parallel score equals segno's rules module by module on random symbols of every size",
          arguments: Array(1...40))
    func randomSymbols(version: Int) {
        let size = 17 + 4 * version
        var generator = SystemRandomNumberGenerator()
        for density in [2, 3, 5] {   // one in `density` modules light: runs and finder-like patterns
            let m = (0..<size * size).map { _ in UInt8(Int.random(in: 0..<density, using: &generator) == 0 ? 0 : 1) }
            let inverted = m.map { $0 ^ 1 }
            #expect(Self.score(m, size: size) == Self.reference(m, size: size))
            #expect(Self.score(inverted, size: size) == Self.reference(inverted, size: size))
        }
    }

    @Test("the bit-parallel score equals segno's rules on every mask of real symbols", arguments: [1, 6, 7, 14, 27, 40])
    func realSymbols(version: Int) throws {
        let text = "Umfrage"   // 7 bytes: fits version 1-H
        let patterns = FunctionPatterns(version: version)
        let code = try QRCode(text: text, level: .high, version: version)
        let blocks = QRTables.blocks[version - 1][ErrorCorrection.high.rawValue]
        let data = QRCode.dataCodewords(Array(text.utf8), version: version, count: blocks.dataCodewords)
        let message = QRCode.finalMessage(data, blocks: blocks)
        let unmasked = patterns.placing(message)
        let isData = patterns.isFunction.map { $0 ^ 1 }
        var scores: [Int] = []
        for pattern in 0..<8 {
            let (_, masked) = Mask.choose(unmasked: unmasked, isData: isData, size: patterns.size, forced: pattern)
            scores.append(Self.reference(masked, size: patterns.size))
            #expect(Self.score(masked, size: patterns.size) == scores.last)
        }
        #expect(code.mask == scores.firstIndex(of: scores.min()!))
    }
}
