/// A small gzip (RFC 1952) encoder over DEFLATE (RFC 1951), of our own: no zlib.
///
/// Made for cached HTML pages, compressed once and served to clients that send
/// `Accept-Encoding: gzip`. The pipeline:
///
/// 1. LZ77 (RFC 1951 §4): a hash table of 3-byte prefixes with chains bounded to
///    `maxChain` candidates in a 32 KiB window, and lazy matching as in zlib's
///    `deflate_slow`, so the cost is linear in the input with a small constant.
/// 2. The resulting literals and ⟨length, distance⟩ pairs are cut into blocks of at most
///    `maxBlockSymbols` symbols; each block is written with dynamic Huffman codes
///    (BTYPE=2), fixed codes (BTYPE=1) or stored (BTYPE=0), whichever is smallest
///    (see `Gzip+Huffman.swift`).
/// 3. The gzip member wraps it: a 10-byte header, then CRC-32 and ISIZE.
///
/// Memory is linear in the input: the output, one block of symbols, and two fixed
/// 32 K-entry tables.
public enum Gzip {
    /// One complete gzip member (RFC 1952 §2.3): header with MTIME 0, no file name,
    /// XFL 0 and OS 255 ("unknown"); the deflate data; CRC-32 and ISIZE (size mod 2³²),
    /// both little-endian.
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255]   // ID1 ID2 CM=deflate FLG MTIME×4 XFL OS
        out += deflate(bytes)
        let crc = crc32(bytes), size = UInt32(truncatingIfNeeded: bytes.count)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: size >> UInt32(shift))) }
        return out
    }

    // MARK: CRC-32 (RFC 1952 §8, ISO 3309: reflected polynomial 0xEDB88320)

    /// The byte-at-a-time table: entry n is the CRC register after shifting n through 8 times.
    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC-32 of gzip, zip and PNG ("123456789" → 0xCBF43926).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return ~c
    }

    // MARK: LZ77 (RFC 1951 §4)

    /// Candidates tried per position at most; fewer once a match of `niceLength` is found.
    static let maxChain = 64
    /// A match this long ends the search.
    static let niceLength = 128
    /// When the match at the previous position is at least this long, the next one is not searched (lazy matching).
    static let lazyLimit = 32
    /// Symbols per block at most (zlib's default uses 16 K as well).
    static let maxBlockSymbols = 1 << 14
    static let hashBits = 15
    /// Distances are < 32768, so a chain slot (`position & windowMask`) is never overwritten while it is in reach.
    static let windowSize = 1 << 15

    /// The raw DEFLATE stream of `input`: LZ77 into symbols, written block by block.
    ///
    /// A symbol is a `UInt32`: a literal byte (< 256), or `length << 16 | distance` for a
    /// match (length 3...258, distance 1...32767).
    static func deflate(_ input: [UInt8]) -> [UInt8] {
        let n = input.count
        var writer = BitWriter()
        writer.out.reserveCapacity(n / 3 + 64)
        var symbols: [UInt32] = []
        symbols.reserveCapacity(min(n, maxBlockSymbols) + 1)
        var blockStart = 0, covered = 0   // the input bytes [blockStart, covered) are in `symbols`

        func emit(_ symbol: UInt32, length: Int) {
            symbols.append(symbol)
            covered += length
            if symbols.count >= maxBlockSymbols {
                writeBlock(symbols, raw: input[blockStart..<covered], final: false, to: &writer)
                symbols.removeAll(keepingCapacity: true)
                blockStart = covered
            }
        }

        // head[h]: the latest position whose next 3 bytes hash to h; prev[p & mask]: the one before p.
        let hashMask = (1 << hashBits) - 1, windowMask = windowSize - 1
        var head = [Int32](repeating: -1, count: 1 << hashBits)
        var prev = [Int32](repeating: -1, count: windowSize)

        func insert(_ i: Int) {
            guard i + 2 < n else { return }
            let key = Int(input[i]) << 16 | Int(input[i + 1]) << 8 | Int(input[i + 2])
            let h = ((key &* 0x9E37_79B1) >> 15) & hashMask
            prev[i & windowMask] = head[h]
            head[h] = Int32(i)
        }

        /// The longest earlier match for the bytes at `pos` (already inserted), or (0, 0).
        func longestMatch(_ pos: Int) -> (length: Int, distance: Int) {
            let maxLength = min(258, n - pos)
            guard maxLength >= 3 else { return (0, 0) }
            let nice = min(niceLength, maxLength)
            var best = 2, bestDistance = 0, chain = maxChain
            var candidate = Int(prev[pos & windowMask])
            while candidate >= 0, pos - candidate < windowSize, chain > 0 {
                chain -= 1
                // Cheap rejection first: a longer match must agree at index `best`.
                if input[candidate + best] == input[pos + best], input[candidate] == input[pos] {
                    var length = 1
                    while length < maxLength, input[candidate + length] == input[pos + length] { length += 1 }
                    if length > best {
                        best = length
                        bestDistance = pos - candidate
                        if length >= nice { break }
                    }
                }
                let next = Int(prev[candidate & windowMask])
                if next >= candidate { break }   // a stale slot; chains only go back in time
                candidate = next
            }
            // A 3-byte match far away costs more bits than three literals (zlib's TOO_FAR).
            if best < 3 || (best == 3 && bestDistance > 4096) { return (0, 0) }
            return (best, bestDistance)
        }

        // Lazy matching: a match found at `pos - 1` is taken only if `pos` has no longer one;
        // otherwise `pos - 1` becomes a literal and the match at `pos` waits its turn.
        var pos = 0, previousLength = 0, previousDistance = 0, pendingLiteral = false
        while pos < n {
            insert(pos)
            var match = (length: 0, distance: 0)
            if previousLength < lazyLimit { match = longestMatch(pos) }
            if previousLength >= 3, match.length <= previousLength {
                emit(UInt32(previousLength) << 16 | UInt32(previousDistance), length: previousLength)
                let end = pos - 1 + previousLength
                for i in (pos + 1)..<end { insert(i) }
                pos = end
                previousLength = 0
                pendingLiteral = false
            } else {
                if pendingLiteral { emit(UInt32(input[pos - 1]), length: 1) }
                pendingLiteral = true
                (previousLength, previousDistance) = match
                pos += 1
            }
        }
        if pendingLiteral { emit(UInt32(input[n - 1]), length: 1) }
        writeBlock(symbols, raw: input[blockStart..<covered], final: true, to: &writer)
        writer.flush()
        return writer.out
    }
}

/// Packs bits into bytes least significant bit first (RFC 1951 §3.1.1).
/// Huffman codes must be handed over already bit-reversed.
struct BitWriter {
    var out: [UInt8] = []
    private var buffer: UInt64 = 0
    private var count = 0

    /// Appends the low `width` (≤ 32) bits of `bits`.
    mutating func write(_ bits: UInt32, _ width: Int) {
        buffer |= UInt64(bits) << UInt64(count)
        count += width
        while count >= 8 {
            out.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            count -= 8
        }
    }

    /// Pads with zero bits to a byte boundary (stored blocks, the end of the stream).
    mutating func flush() {
        if count > 0 { out.append(UInt8(truncatingIfNeeded: buffer)) }
        buffer = 0
        count = 0
    }
}
