/// DEFLATE blocks (RFC 1951 §3.2): length-limited Huffman codes, their canonical form,
/// and the three block types, of which the smallest is written.
extension Gzip {
    // MARK: Length and distance symbols (RFC 1951 §3.2.5)

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                             35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                              3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                               257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
                                7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// The length code's index (0...28, i.e. symbol 257 + index) for a match length 3...258.
    static func lengthCode(_ length: Int) -> Int {
        let x = length - 3
        if length == 258 { return 28 }
        if x < 8 { return x }
        let top = Int.bitWidth - 1 - x.leadingZeroBitCount   // 3...7
        return 4 * (top - 1) + ((x >> (top - 2)) & 3)
    }

    /// The distance code (0...29) for a distance 1...32768.
    static func distanceCode(_ distance: Int) -> Int {
        let x = distance - 1
        if x < 4 { return x }
        let top = Int.bitWidth - 1 - x.leadingZeroBitCount   // 2...14
        return 2 * top + ((x >> (top - 1)) & 1)
    }

    /// The fixed code lengths of BTYPE=1 (RFC 1951 §3.2.6).
    static let fixedLiteralLengths: [UInt8] = (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 }
    static let fixedDistanceLengths = [UInt8](repeating: 5, count: 30)

    /// The order in which code-length code lengths are sent (RFC 1951 §3.2.7).
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    /// Extra bits after code-length symbols 0...18.
    static let codeLengthExtra = [Int](repeating: 0, count: 16) + [2, 3, 7]

    // MARK: Huffman codes (RFC 1951 §3.2.2)

    /// Code lengths ≤ `limit` for symbols of the given frequencies: Huffman's algorithm (two
    /// queues over the leaves sorted by frequency), then, if too deep, the lengths are
    /// redistributed to fit the limit while keeping the code complete (as miniz does).
    /// Unused symbols get 0. With fewer than two used symbols, two symbols get length 1,
    /// since inflaters refuse an incomplete code-length code.
    static func codeLengths(_ frequencies: [Int], limit: Int) -> [UInt8] {
        var lengths = [UInt8](repeating: 0, count: frequencies.count)
        var leaves = frequencies.indices.filter { frequencies[$0] > 0 }
        if leaves.count < 2 {
            let a = leaves.first ?? 0
            lengths[a] = 1
            lengths[a == 0 ? 1 : 0] = 1
            return lengths
        }
        leaves.sort { (frequencies[$0], $0) < (frequencies[$1], $1) }
        // Nodes 0..<n are the leaves in order, n..<2n-1 the internal nodes in order of creation.
        let n = leaves.count
        var weight = leaves.map { frequencies[$0] } + [Int](repeating: 0, count: n - 1)
        var parent = [Int](repeating: 0, count: 2 * n - 1)
        var nextLeaf = 0, nextNode = n
        for node in n..<(2 * n - 1) {
            func lightest() -> Int {
                if nextLeaf < n, nextNode >= node || weight[nextLeaf] <= weight[nextNode] { nextLeaf += 1; return nextLeaf - 1 }
                nextNode += 1
                return nextNode - 1
            }
            let a = lightest(), b = lightest()
            weight[node] = weight[a] + weight[b]
            parent[a] = node
            parent[b] = node
        }
        var depth = [Int](repeating: 0, count: 2 * n - 1)
        for node in stride(from: 2 * n - 3, through: 0, by: -1) { depth[node] = depth[parent[node]] + 1 }
        // Count the leaves per length, clamping at the limit; then, while the Kraft sum is
        // over, drop one leaf from the deepest level and split a shallower one into two.
        var count = [Int](repeating: 0, count: limit + 1)
        for leaf in 0..<n { count[min(depth[leaf], limit)] += 1 }
        var kraft = (1...limit).reduce(0) { $0 + count[$1] << (limit - $1) }
        while kraft > 1 << limit {
            count[limit] -= 1
            for length in stride(from: limit - 1, through: 1, by: -1) where count[length] > 0 {
                count[length] -= 1
                count[length + 1] += 2
                break
            }
            kraft -= 1
        }
        // The rarest symbols get the longest codes.
        var leaf = 0
        for length in stride(from: limit, through: 1, by: -1) {
            for _ in 0..<count[length] { lengths[leaves[leaf]] = UInt8(length); leaf += 1 }
        }
        return lengths
    }

    /// The canonical codes for the lengths (RFC 1951 §3.2.2), bit-reversed for `BitWriter`.
    static func canonicalCodes(_ lengths: [UInt8]) -> [UInt32] {
        var perLength = [UInt32](repeating: 0, count: 16)
        for length in lengths where length > 0 { perLength[Int(length)] += 1 }
        var next = [UInt32](repeating: 0, count: 16)
        for length in 1..<16 { next[length] = (next[length - 1] + perLength[length - 1]) << 1 }
        return lengths.map { length in
            guard length > 0 else { return 0 }
            let code = next[Int(length)]
            next[Int(length)] += 1
            var reversed: UInt32 = 0
            for bit in 0..<Int(length) { reversed |= ((code >> UInt32(bit)) & 1) << (UInt32(length) - 1 - UInt32(bit)) }
            return reversed
        }
    }

    /// Code lengths as code-length symbols (RFC 1951 §3.2.7): 0–15 literally, 16 repeats the
    /// previous length 3–6 times (2 extra bits), 17 and 18 are runs of 3–10 and 11–138 zeros
    /// (3 and 7 extra bits). Runs may cross from the literal/length into the distance lengths.
    static func runLengthEncoded(_ lengths: [UInt8]) -> [(symbol: Int, extra: UInt32)] {
        var out: [(symbol: Int, extra: UInt32)] = []
        var i = 0
        while i < lengths.count {
            let length = lengths[i]
            var run = 1
            while i + run < lengths.count, lengths[i + run] == length { run += 1 }
            i += run
            if length == 0 {
                while run >= 11 { let k = min(run, 138); out.append((18, UInt32(k - 11))); run -= k }
                if run >= 3 { out.append((17, UInt32(run - 3))); run = 0 }
            } else {
                out.append((Int(length), 0))
                run -= 1
                while run >= 3 { let k = min(run, 6); out.append((16, UInt32(k - 3))); run -= k }
            }
            out += repeatElement((symbol: Int(length), extra: UInt32(0)), count: run)
        }
        return out
    }

    // MARK: Blocks (RFC 1951 §3.2.3–3.2.7)

    /// Writes the symbols, which encode `raw`, as one block or, if stored, as several of at
    /// most 65535 bytes: whichever of dynamic, fixed and stored takes the fewest bits.
    static func writeBlock(_ symbols: [UInt32], raw: ArraySlice<UInt8>, final: Bool, to writer: inout BitWriter) {
        var literalFrequencies = [Int](repeating: 0, count: 286), distanceFrequencies = [Int](repeating: 0, count: 30)
        var extraBits = 0
        literalFrequencies[256] = 1   // end of block
        for symbol in symbols {
            if symbol < 256 { literalFrequencies[Int(symbol)] += 1; continue }
            let lengthIndex = lengthCode(Int(symbol >> 16)), distanceIndex = distanceCode(Int(symbol & 0xFFFF))
            literalFrequencies[257 + lengthIndex] += 1
            distanceFrequencies[distanceIndex] += 1
            extraBits += lengthExtra[lengthIndex] + distanceExtra[distanceIndex]
        }
        func cost(_ literalLengths: [UInt8], _ distanceLengths: [UInt8]) -> Int {
            zip(literalFrequencies, literalLengths).reduce(extraBits) { $0 + $1.0 * Int($1.1) }
                + zip(distanceFrequencies, distanceLengths).reduce(0) { $0 + $1.0 * Int($1.1) }
        }

        // Dynamic codes: HLIT, HDIST, HCLEN and the run-length encoded code lengths (§3.2.7).
        let literalLengths = codeLengths(literalFrequencies, limit: 15)
        let distanceLengths = codeLengths(distanceFrequencies, limit: 15)
        let hlit = max(257, (literalLengths.lastIndex { $0 > 0 } ?? 0) + 1)
        let hdist = max(1, (distanceLengths.lastIndex { $0 > 0 } ?? 0) + 1)
        let codeLengthSymbols = runLengthEncoded(Array(literalLengths[..<hlit] + distanceLengths[..<hdist]))
        var codeLengthFrequencies = [Int](repeating: 0, count: 19)
        for (symbol, _) in codeLengthSymbols { codeLengthFrequencies[symbol] += 1 }
        let codeLengthLengths = codeLengths(codeLengthFrequencies, limit: 7)
        let hclen = max(4, (codeLengthOrder.lastIndex { codeLengthLengths[$0] > 0 } ?? 0) + 1)
        let headerBits = 3 + 5 + 5 + 4 + 3 * hclen + codeLengthSymbols.reduce(0) { bits, entry in
            bits + Int(codeLengthLengths[entry.symbol]) + codeLengthExtra[entry.symbol]
        }
        let dynamicBits = headerBits + cost(literalLengths, distanceLengths)
        let fixedBits = 3 + cost(fixedLiteralLengths, fixedDistanceLengths)
        let storedBits = (raw.count + 65534) / 65535 * (3 + 7 + 32) + 8 * raw.count + (raw.isEmpty ? 42 : 0)

        let last: UInt32 = final ? 1 : 0
        if storedBits < min(dynamicBits, fixedBits) {
            // BTYPE=0 (§3.2.4): byte-aligned LEN, NLEN, then the bytes.
            var start = raw.startIndex
            repeat {
                let end = min(start + 65535, raw.endIndex)
                writer.write(end == raw.endIndex ? last : 0, 1)
                writer.write(0, 2)
                writer.flush()
                writer.write(UInt32(end - start), 16)
                writer.write(~UInt32(end - start) & 0xFFFF, 16)
                writer.out += raw[start..<end]
                start = end
            } while start < raw.endIndex
            return
        }
        let dynamic = dynamicBits < fixedBits
        writer.write(last, 1)
        writer.write(dynamic ? 2 : 1, 2)
        var literals = fixedLiteralLengths, distances = fixedDistanceLengths
        if dynamic {
            literals = literalLengths
            distances = distanceLengths
            writer.write(UInt32(hlit - 257), 5)
            writer.write(UInt32(hdist - 1), 5)
            writer.write(UInt32(hclen - 4), 4)
            for symbol in codeLengthOrder[..<hclen] { writer.write(UInt32(codeLengthLengths[symbol]), 3) }
            let codes = canonicalCodes(codeLengthLengths)
            for (symbol, extra) in codeLengthSymbols {
                writer.write(codes[symbol], Int(codeLengthLengths[symbol]))
                writer.write(extra, codeLengthExtra[symbol])
            }
        }
        // The compressed data (§3.2.5): literal/length codes with extra bits, distance codes with extra bits.
        let literalCodes = canonicalCodes(literals), distanceCodes = canonicalCodes(distances)
        for symbol in symbols {
            if symbol < 256 { writer.write(literalCodes[Int(symbol)], Int(literals[Int(symbol)])); continue }
            let length = Int(symbol >> 16), distance = Int(symbol & 0xFFFF)
            let l = lengthCode(length), d = distanceCode(distance)
            writer.write(literalCodes[257 + l], Int(literals[257 + l]))
            writer.write(UInt32(length - lengthBase[l]), lengthExtra[l])
            writer.write(distanceCodes[d], Int(distances[d]))
            writer.write(UInt32(distance - distanceBase[d]), distanceExtra[d])
        }
        writer.write(literalCodes[256], Int(literals[256]))
    }
}
