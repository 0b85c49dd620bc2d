/// The standard's tables for QR code symbols, ISO/IEC 18004:2015.
enum QRTables {
    /// How the codewords of one version at one level split into blocks: Table 9 ("Error
    /// correction characteristics for QR Code"). Every block has `eccPerBlock` error
    /// correction codewords; group 2, when present, has blocks one data codeword longer.
    struct Blocks: Sendable {
        let eccPerBlock: Int
        let group1Count: Int
        let group1Data: Int
        let group2Count: Int
        let group2Data: Int

        init(_ eccPerBlock: Int, _ group1Count: Int, _ group1Data: Int, _ group2Count: Int, _ group2Data: Int) {
            self.eccPerBlock = eccPerBlock
            self.group1Count = group1Count
            self.group1Data = group1Data
            self.group2Count = group2Count
            self.group2Data = group2Data
        }

        /// The number of blocks, both groups.
        var count: Int { group1Count + group2Count }
        /// The data codewords of all blocks.
        var dataCodewords: Int { group1Count * group1Data + group2Count * group2Data }
        /// Data and error correction codewords of all blocks.
        var totalCodewords: Int { dataCodewords + count * eccPerBlock }
    }

    /// Table 9, indexed by `[version - 1][level.rawValue]` (L, M, Q, H).
    static let blocks: [[Blocks]] = [
        /*  1 */ [Blocks(7, 1, 19, 0, 0), Blocks(10, 1, 16, 0, 0), Blocks(13, 1, 13, 0, 0), Blocks(17, 1, 9, 0, 0)],
        /*  2 */ [Blocks(10, 1, 34, 0, 0), Blocks(16, 1, 28, 0, 0), Blocks(22, 1, 22, 0, 0), Blocks(28, 1, 16, 0, 0)],
        /*  3 */ [Blocks(15, 1, 55, 0, 0), Blocks(26, 1, 44, 0, 0), Blocks(18, 2, 17, 0, 0), Blocks(22, 2, 13, 0, 0)],
        /*  4 */ [Blocks(20, 1, 80, 0, 0), Blocks(18, 2, 32, 0, 0), Blocks(26, 2, 24, 0, 0), Blocks(16, 4, 9, 0, 0)],
        /*  5 */ [Blocks(26, 1, 108, 0, 0), Blocks(24, 2, 43, 0, 0), Blocks(18, 2, 15, 2, 16), Blocks(22, 2, 11, 2, 12)],
        /*  6 */ [Blocks(18, 2, 68, 0, 0), Blocks(16, 4, 27, 0, 0), Blocks(24, 4, 19, 0, 0), Blocks(28, 4, 15, 0, 0)],
        /*  7 */ [Blocks(20, 2, 78, 0, 0), Blocks(18, 4, 31, 0, 0), Blocks(18, 2, 14, 4, 15), Blocks(26, 4, 13, 1, 14)],
        /*  8 */ [Blocks(24, 2, 97, 0, 0), Blocks(22, 2, 38, 2, 39), Blocks(22, 4, 18, 2, 19), Blocks(26, 4, 14, 2, 15)],
        /*  9 */ [Blocks(30, 2, 116, 0, 0), Blocks(22, 3, 36, 2, 37), Blocks(20, 4, 16, 4, 17), Blocks(24, 4, 12, 4, 13)],
        /* 10 */ [Blocks(18, 2, 68, 2, 69), Blocks(26, 4, 43, 1, 44), Blocks(24, 6, 19, 2, 20), Blocks(28, 6, 15, 2, 16)],
        /* 11 */ [Blocks(20, 4, 81, 0, 0), Blocks(30, 1, 50, 4, 51), Blocks(28, 4, 22, 4, 23), Blocks(24, 3, 12, 8, 13)],
        /* 12 */ [Blocks(24, 2, 92, 2, 93), Blocks(22, 6, 36, 2, 37), Blocks(26, 4, 20, 6, 21), Blocks(28, 7, 14, 4, 15)],
        /* 13 */ [Blocks(26, 4, 107, 0, 0), Blocks(22, 8, 37, 1, 38), Blocks(24, 8, 20, 4, 21), Blocks(22, 12, 11, 4, 12)],
        /* 14 */ [Blocks(30, 3, 115, 1, 116), Blocks(24, 4, 40, 5, 41), Blocks(20, 11, 16, 5, 17), Blocks(24, 11, 12, 5, 13)],
        /* 15 */ [Blocks(22, 5, 87, 1, 88), Blocks(24, 5, 41, 5, 42), Blocks(30, 5, 24, 7, 25), Blocks(24, 11, 12, 7, 13)],
        /* 16 */ [Blocks(24, 5, 98, 1, 99), Blocks(28, 7, 45, 3, 46), Blocks(24, 15, 19, 2, 20), Blocks(30, 3, 15, 13, 16)],
        /* 17 */ [Blocks(28, 1, 107, 5, 108), Blocks(28, 10, 46, 1, 47), Blocks(28, 1, 22, 15, 23), Blocks(28, 2, 14, 17, 15)],
        /* 18 */ [Blocks(30, 5, 120, 1, 121), Blocks(26, 9, 43, 4, 44), Blocks(28, 17, 22, 1, 23), Blocks(28, 2, 14, 19, 15)],
        /* 19 */ [Blocks(28, 3, 113, 4, 114), Blocks(26, 3, 44, 11, 45), Blocks(26, 17, 21, 4, 22), Blocks(26, 9, 13, 16, 14)],
        /* 20 */ [Blocks(28, 3, 107, 5, 108), Blocks(26, 3, 41, 13, 42), Blocks(30, 15, 24, 5, 25), Blocks(28, 15, 15, 10, 16)],
        /* 21 */ [Blocks(28, 4, 116, 4, 117), Blocks(26, 17, 42, 0, 0), Blocks(28, 17, 22, 6, 23), Blocks(30, 19, 16, 6, 17)],
        /* 22 */ [Blocks(28, 2, 111, 7, 112), Blocks(28, 17, 46, 0, 0), Blocks(30, 7, 24, 16, 25), Blocks(24, 34, 13, 0, 0)],
        /* 23 */ [Blocks(30, 4, 121, 5, 122), Blocks(28, 4, 47, 14, 48), Blocks(30, 11, 24, 14, 25), Blocks(30, 16, 15, 14, 16)],
        /* 24 */ [Blocks(30, 6, 117, 4, 118), Blocks(28, 6, 45, 14, 46), Blocks(30, 11, 24, 16, 25), Blocks(30, 30, 16, 2, 17)],
        /* 25 */ [Blocks(26, 8, 106, 4, 107), Blocks(28, 8, 47, 13, 48), Blocks(30, 7, 24, 22, 25), Blocks(30, 22, 15, 13, 16)],
        /* 26 */ [Blocks(28, 10, 114, 2, 115), Blocks(28, 19, 46, 4, 47), Blocks(28, 28, 22, 6, 23), Blocks(30, 33, 16, 4, 17)],
        /* 27 */ [Blocks(30, 8, 122, 4, 123), Blocks(28, 22, 45, 3, 46), Blocks(30, 8, 23, 26, 24), Blocks(30, 12, 15, 28, 16)],
        /* 28 */ [Blocks(30, 3, 117, 10, 118), Blocks(28, 3, 45, 23, 46), Blocks(30, 4, 24, 31, 25), Blocks(30, 11, 15, 31, 16)],
        /* 29 */ [Blocks(30, 7, 116, 7, 117), Blocks(28, 21, 45, 7, 46), Blocks(30, 1, 23, 37, 24), Blocks(30, 19, 15, 26, 16)],
        /* 30 */ [Blocks(30, 5, 115, 10, 116), Blocks(28, 19, 47, 10, 48), Blocks(30, 15, 24, 25, 25), Blocks(30, 23, 15, 25, 16)],
        /* 31 */ [Blocks(30, 13, 115, 3, 116), Blocks(28, 2, 46, 29, 47), Blocks(30, 42, 24, 1, 25), Blocks(30, 23, 15, 28, 16)],
        /* 32 */ [Blocks(30, 17, 115, 0, 0), Blocks(28, 10, 46, 23, 47), Blocks(30, 10, 24, 35, 25), Blocks(30, 19, 15, 35, 16)],
        /* 33 */ [Blocks(30, 17, 115, 1, 116), Blocks(28, 14, 46, 21, 47), Blocks(30, 29, 24, 19, 25), Blocks(30, 11, 15, 46, 16)],
        /* 34 */ [Blocks(30, 13, 115, 6, 116), Blocks(28, 14, 46, 23, 47), Blocks(30, 44, 24, 7, 25), Blocks(30, 59, 16, 1, 17)],
        /* 35 */ [Blocks(30, 12, 121, 7, 122), Blocks(28, 12, 47, 26, 48), Blocks(30, 39, 24, 14, 25), Blocks(30, 22, 15, 41, 16)],
        /* 36 */ [Blocks(30, 6, 121, 14, 122), Blocks(28, 6, 47, 34, 48), Blocks(30, 46, 24, 10, 25), Blocks(30, 2, 15, 64, 16)],
        /* 37 */ [Blocks(30, 17, 122, 4, 123), Blocks(28, 29, 46, 14, 47), Blocks(30, 49, 24, 10, 25), Blocks(30, 24, 15, 46, 16)],
        /* 38 */ [Blocks(30, 4, 122, 18, 123), Blocks(28, 13, 46, 32, 47), Blocks(30, 48, 24, 14, 25), Blocks(30, 42, 15, 32, 16)],
        /* 39 */ [Blocks(30, 20, 117, 4, 118), Blocks(28, 40, 47, 7, 48), Blocks(30, 43, 24, 22, 25), Blocks(30, 10, 15, 67, 16)],
        /* 40 */ [Blocks(30, 19, 118, 6, 119), Blocks(28, 18, 47, 31, 48), Blocks(30, 34, 24, 34, 25), Blocks(30, 20, 15, 61, 16)],
    ]

    /// Row and column coordinates of the centres of the alignment patterns: Annex E, Table E.1.
    /// Every combination is a centre except the three that would overlap a finder pattern.
    static let alignmentCentres: [[Int]] = [
        /*  1 */ [],
        /*  2 */ [6, 18],
        /*  3 */ [6, 22],
        /*  4 */ [6, 26],
        /*  5 */ [6, 30],
        /*  6 */ [6, 34],
        /*  7 */ [6, 22, 38],
        /*  8 */ [6, 24, 42],
        /*  9 */ [6, 26, 46],
        /* 10 */ [6, 28, 50],
        /* 11 */ [6, 30, 54],
        /* 12 */ [6, 32, 58],
        /* 13 */ [6, 34, 62],
        /* 14 */ [6, 26, 46, 66],
        /* 15 */ [6, 26, 48, 70],
        /* 16 */ [6, 26, 50, 74],
        /* 17 */ [6, 30, 54, 78],
        /* 18 */ [6, 30, 56, 82],
        /* 19 */ [6, 30, 58, 86],
        /* 20 */ [6, 34, 62, 90],
        /* 21 */ [6, 28, 50, 72, 94],
        /* 22 */ [6, 26, 50, 74, 98],
        /* 23 */ [6, 30, 54, 78, 102],
        /* 24 */ [6, 28, 54, 80, 106],
        /* 25 */ [6, 32, 58, 84, 110],
        /* 26 */ [6, 30, 58, 86, 114],
        /* 27 */ [6, 34, 62, 90, 118],
        /* 28 */ [6, 26, 50, 74, 98, 122],
        /* 29 */ [6, 30, 54, 78, 102, 126],
        /* 30 */ [6, 26, 52, 78, 104, 130],
        /* 31 */ [6, 30, 56, 82, 108, 134],
        /* 32 */ [6, 34, 60, 86, 112, 138],
        /* 33 */ [6, 30, 58, 86, 114, 142],
        /* 34 */ [6, 34, 62, 90, 118, 146],
        /* 35 */ [6, 30, 54, 78, 102, 126, 150],
        /* 36 */ [6, 24, 50, 76, 102, 128, 154],
        /* 37 */ [6, 28, 54, 80, 106, 132, 158],
        /* 38 */ [6, 32, 58, 84, 110, 136, 162],
        /* 39 */ [6, 26, 54, 82, 110, 138, 166],
        /* 40 */ [6, 30, 58, 86, 114, 142, 170],
    ]
}
