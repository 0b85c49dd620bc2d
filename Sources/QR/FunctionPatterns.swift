/// The modules of a symbol that carry no data, ISO/IEC 18004:2015, 6.3: finder patterns with
/// their separators, timing patterns, alignment patterns, and the areas kept for the format
/// information (7.9, with the dark module) and the version information (7.10).
struct FunctionPatterns {
    /// Modules per side: 17 + 4 × version (6.1).
    let size: Int
    /// Row-major, 1 for dark; the reserved format and version areas and the dark module are
    /// still light here.
    var modules: [UInt8]
    /// Row-major, 1 where a module belongs to a function pattern or a reserved area.
    var isFunction: [UInt8]

    init(version: Int) {
        size = 17 + 4 * version
        modules = [UInt8](repeating: 0, count: size * size)
        isFunction = [UInt8](repeating: 0, count: size * size)
        drawFinder(x: 0, y: 0)
        drawFinder(x: size - 7, y: 0)
        drawFinder(x: 0, y: size - 7)
        // Timing patterns (6.3.5): row 6 and column 6 between the separators, dark on even indexes.
        for i in 8..<(size - 8) {
            let dark: UInt8 = i % 2 == 0 ? 1 : 0
            set(x: i, y: 6, dark)
            set(x: 6, y: i, dark)
        }
        // Alignment patterns (6.3.6, Annex E): 5 × 5, centred on each pair of listed coordinates
        // except the three pairs that fall on finder patterns.
        let centres = QRTables.alignmentCentres[version - 1]
        for (i, cy) in centres.enumerated() {
            for (j, cx) in centres.enumerated() {
                let onFinder = (i == 0 && j == 0) || (i == 0 && j == centres.count - 1) || (i == centres.count - 1 && j == 0)
                if !onFinder { drawAlignment(x: cx, y: cy) }
            }
        }
        // Format information (7.9.1) around the finders, the dark module among it.
        for i in 0...8 {
            reserve(x: 8, y: i)
            reserve(x: i, y: 8)
        }
        for i in 0..<8 {
            reserve(x: size - 1 - i, y: 8)
            reserve(x: 8, y: size - 1 - i)
        }
        // Version information (7.10): two 6 × 3 blocks, from version 7.
        if version >= 7 {
            for i in 0..<6 {
                for j in 0..<3 {
                    reserve(x: i, y: size - 11 + j)
                    reserve(x: size - 11 + j, y: i)
                }
            }
        }
    }

    mutating func set(x: Int, y: Int, _ value: UInt8) {
        modules[y * size + x] = value
        isFunction[y * size + x] = 1
    }

    mutating func reserve(x: Int, y: Int) {
        isFunction[y * size + x] = 1
    }

    /// A 7 × 7 finder pattern (6.3.3) with its top left corner at (x, y), and its one-module
    /// light separator (6.3.4) on the sides that face the symbol.
    mutating func drawFinder(x: Int, y: Int) {
        for dy in -1...7 {
            for dx in -1...7 {
                let px = x + dx, py = y + dy
                guard px >= 0, px < size, py >= 0, py < size else { continue }
                let ring = max(abs(dx - 3), abs(dy - 3))   // 0 centre … 3 outer ring, 4 separator
                set(x: px, y: py, ring == 2 || ring == 4 ? 0 : 1)
            }
        }
    }

    /// A 5 × 5 alignment pattern (6.3.6) centred on (x, y).
    mutating func drawAlignment(x: Int, y: Int) {
        for dy in -2...2 {
            for dx in -2...2 {
                set(x: x + dx, y: y + dy, max(abs(dx), abs(dy)) == 1 ? 0 : 1)
            }
        }
    }
}
