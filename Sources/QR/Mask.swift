/// The eight data mask patterns, ISO/IEC 18004:2015, 7.8.2 (Table 10), and the choice between
/// them by penalty score, 7.8.3 (Table 11).
enum Mask {
    /// Whether mask `pattern` inverts the module in row `i`, column `j` (Table 10).
    static func inverts(_ pattern: Int, row i: Int, column j: Int) -> Bool {
        switch pattern {
        case 0: (i + j) % 2 == 0
        case 1: i % 2 == 0
        case 2: j % 3 == 0
        case 3: (i + j) % 3 == 0
        case 4: (i / 2 + j / 3) % 2 == 0
        case 5: (i * j) % 2 + (i * j) % 3 == 0
        case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        default: ((i + j) % 2 + (i * j) % 3) % 2 == 0
        }
    }

    /// Which of the first six modules of row `y` mask `pattern` inverts, one byte each. Every
    /// pattern repeats every six columns.
    @inline(__always)
    static func period(_ pattern: Int, row y: Int) -> (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) {
        func bit(_ j: Int) -> UInt8 { inverts(pattern, row: y, column: j) ? 1 : 0 }
        return (bit(0), bit(1), bit(2), bit(3), bit(4), bit(5))
    }

    /// The mask to use and the symbol with it applied: `forced`, or of all eight the one with
    /// the lowest penalty score, the lowest number among equals. `isData` is 1 for the modules
    /// a mask applies to.
    static func choose(unmasked: [UInt8], isData: [UInt8], size: Int, forced: Int?) -> (Int, [UInt8]) {
        var bestMask = forced ?? 0
        if forced == nil {
            var bestScore = Int.max
            var rows = [UInt64](repeating: 0, count: 3 * size)
            var columns = [UInt64](repeating: 0, count: 3 * size)
            unmasked.withUnsafeBufferPointer { unmasked in
                isData.withUnsafeBufferPointer { isData in
                    rows.withUnsafeMutableBufferPointer { rows in
                        columns.withUnsafeMutableBufferPointer { columns in
                            for pattern in 0..<8 {
                                lines(pattern, unmasked: unmasked, isData: isData, size: size, rows: rows, columns: columns)
                                let score = penalty(rows: UnsafeBufferPointer(rows), columns: UnsafeBufferPointer(columns), size: size)
                                if score < bestScore {
                                    bestScore = score
                                    bestMask = pattern
                                }
                            }
                        }
                    }
                }
            }
        }
        var masked = unmasked
        for y in 0..<size {
            var p = period(bestMask, row: y)
            withUnsafeBytes(of: &p) { p in
                var k = 0
                for i in y * size..<(y + 1) * size {
                    masked[i] ^= p[k] & isData[i]
                    k = k == 5 ? 0 : k + 1
                }
            }
        }
        return (bestMask, masked)
    }

    /// The symbol with mask `pattern` applied, as rows and as columns of bits, three 64-bit
    /// words per line (see `ModuleLine`).
    static func lines(_ pattern: Int, unmasked: UnsafeBufferPointer<UInt8>, isData: UnsafeBufferPointer<UInt8>, size: Int,
                      rows: UnsafeMutableBufferPointer<UInt64>, columns: UnsafeMutableBufferPointer<UInt64>) {
        rows.update(repeating: 0)
        columns.update(repeating: 0)
        for y in 0..<size {
            var p = period(pattern, row: y)
            withUnsafeBytes(of: &p) { p in
                let columnWord = y >> 6, columnShift = UInt64(y & 63)
                var k = 0
                var word: UInt64 = 0
                for x in 0..<size {
                    let i = y * size + x
                    let bit = UInt64(unmasked[i] ^ (p[k] & isData[i]))
                    k = k == 5 ? 0 : k + 1
                    word |= bit << UInt64(x & 63)
                    if x & 63 == 63 || x == size - 1 {
                        rows[3 * y + (x >> 6)] = word
                        word = 0
                    }
                    columns[3 * x + columnWord] |= bit << columnShift
                }
            }
        }
    }

    /// The penalty score of a masked symbol (Table 11), scored as segno scores it:
    /// - N1: each run of five or more modules of one colour in a row or a column, 3 points plus
    ///   one for each module past five;
    /// - N2: each 2 × 2 block of one colour (overlapping blocks count each), 3 points;
    /// - N3: each dark-light-dark-dark-dark-light-dark (1:1:3:1:1) run in a row or a column with
    ///   four light modules before or after it (outside the symbol counts as light), 40 points
    ///   once; the search goes on after the run it counted;
    /// - N4: 10 points for each full 5 % by which the dark modules' share differs from 50 %.
    /// The format and version information and the dark module are not yet drawn (light).
    /// Encoders read Table 11 differently in these details (libqrencode, for one, draws the
    /// format information first and scores N3 otherwise); segno's reading is followed so that
    /// our choice can be compared with a reference mask for mask (Tests/QRTests).
    static func penalty(rows: UnsafeBufferPointer<UInt64>, columns: UnsafeBufferPointer<UInt64>, size: Int) -> Int {
        let adjacent = ModuleLine(ones: size - 1)   // modules that have a right-hand neighbour
        let starts = ModuleLine(ones: size - 6)     // modules that have six more after them
        var score = 0
        var dark = 0
        var above = ModuleLine()
        for y in 0..<size {
            let row = ModuleLine(rows[3 * y], rows[3 * y + 1], rows[3 * y + 2])
            let column = ModuleLine(columns[3 * y], columns[3 * y + 1], columns[3 * y + 2])
            score += lineScore(row, adjacent: adjacent, starts: starts)
            score += lineScore(column, adjacent: adjacent, starts: starts)
            dark += row.count
            if y > 0 {
                // Bit x: the block of modules x, x + 1 of this row and the one above is one colour.
                let vertical = ~(row ^ above)
                let blocks = vertical & vertical.dropping(1) & ~(row ^ row.dropping(1)) & adjacent
                score += 3 * blocks.count
            }
            above = row
        }
        let total = size * size
        return score + 10 * (abs(20 * dark - 10 * total) / total)
    }

    /// N1 and N3 of one row or column.
    @inline(__always)
    static func lineScore(_ line: ModuleLine, adjacent: ModuleLine, starts: ModuleLine) -> Int {
        // N1: bit x of `five` is set when modules x…x + 4 are one colour; a run of n ≥ 5 sets
        // n − 4 of them, and its first one is where the run starts: n − 4 + 2 = n − 2 points.
        let alike = ~(line ^ line.dropping(1)) & adjacent
        let five = alike & alike.dropping(1) & alike.dropping(2) & alike.dropping(3)
        var score = five.count + 2 * (five & ~five.shiftedUp()).count
        // N3: bit x of `finder` is set when modules x…x + 6 are 1011101.
        let light = ~line
        let finder = line & light.dropping(1) & line.dropping(2) & line.dropping(3) & line.dropping(4)
            & light.dropping(5) & line.dropping(6) & starts
        guard !finder.isEmpty else { return score }
        var next = 0
        finder.forEachIndex { x in
            guard x >= next else { return }
            if isLight(line, from: max(x - 4, 0), to: x) || isLight(line, from: x + 7, to: x + 11) {
                score += 40
                next = x + 7
            } else {
                next = x + 4
            }
        }
        return score
    }

    /// Whether modules from..<to are all light; past the end of the line they are.
    @inline(__always)
    static func isLight(_ line: ModuleLine, from: Int, to: Int) -> Bool {
        for i in from..<to where line.contains(i) { return false }
        return true
    }
}
