import Foundation
import Testing
@testable import HTTP

/// Feeds `bytes` (through a temporary file, so large inputs cannot block a pipe) to a real
/// decoder and returns its standard output, or nil when it fails.
private func decode(_ bytes: [UInt8], with arguments: [String]) throws -> [UInt8]? {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("mitreden-gzip-\(UUID().uuidString).gz")
    try Data(bytes).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.standardInput = try FileHandle(forReadingFrom: file)
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? [UInt8](data) : nil
}

/// The two real decoders: CPython's gzip module (over zlib) and the gzip command.
private let decoders = [
    ["python3", "-c", "import sys,gzip; sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))"],
    ["gzip", "-dc"],
]

/// Reproducible pseudo-random bytes (SplitMix64).
private func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return UInt8(truncatingIfNeeded: z ^ (z >> 31))
    }
}

/// A results page as the daemon serves them: a table of 200 rows, each with an inline SVG bar.
private func resultsPage() -> [UInt8] {
    var html = "<!DOCTYPE html>\n<html lang=\"de\">\n<head><meta charset=\"utf-8\"><title>Ergebnisse: Jugendcheck 2027</title>"
    html += "<style>table{border-collapse:collapse}td,th{padding:.25rem .5rem;text-align:left}svg{display:block}</style></head>\n"
    html += "<body><main><h1>Ergebnisse</h1>\n<table>\n<thead><tr><th scope=\"col\">Antwort</th><th scope=\"col\">Anzahl</th><th scope=\"col\">Anteil</th><th scope=\"col\"></th></tr></thead>\n<tbody>\n"
    for row in 0..<200 {
        let count = (row * 37 + 11) % 97, share = Double(count) / 97 * 100
        html += "<tr><th scope=\"row\">Frage \(row / 5 + 1), Antwort \(row % 5 + 1): „Stimme \(["voll", "eher", "kaum", "nicht", "gar nicht"][row % 5]) zu“</th>"
        html += "<td class=\"num\">\(count)</td><td class=\"num\">\(String(format: "%.1f", share)) %</td>"
        html += "<td><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"16\" viewBox=\"0 0 200 16\" role=\"img\" aria-label=\"\(String(format: "%.1f", share)) Prozent\">"
        html += "<rect x=\"0\" y=\"2\" width=\"200\" height=\"12\" fill=\"#e6eef5\"/><rect x=\"0\" y=\"2\" width=\"\(Int(share * 2))\" height=\"12\" fill=\"#0b4f8a\"/></svg></td></tr>\n"
    }
    html += "</tbody>\n</table>\n<p>Stand: 3. Dezember 2027. Antworten von weniger als fünf Personen werden nicht gezeigt.</p></main></body></html>\n"
    return Array(html.utf8)
}

/// Inputs that every decoder must get back byte for byte.
enum GzipSample: String, CaseIterable, Sendable {
    case empty, oneByte, allByteValues, runOfOneByte, html, utf8Text, random, smallAlphabet, repeatedRandomChunk

    var bytes: [UInt8] {
        switch self {
        case .empty: return []
        case .oneByte: return [0x41]
        case .allByteValues: return (0...255).map { UInt8($0) } + (0...255).reversed().map { UInt8($0) }
        case .runOfOneByte: return [UInt8](repeating: 0x2D, count: 100_000)
        case .html: return resultsPage()
        case .utf8Text:
            let text = "Grüße aus Cottbus! Ängste, Öffnungszeiten, Straße — “Umfrage” 🚲🌳 日本語のテキスト。 Ελληνικά. "
            return Array(String(repeating: text, count: 40).utf8) + Array("Ende: ß€😀".utf8)
        case .random: return randomBytes(100_000, seed: 1)
        // Words over a 4-letter alphabet: matches of every length and distance.
        case .smallAlphabet: return randomBytes(200_000, seed: 2).map { [0x61, 0x62, 0x63, 0x20][Int($0 & 3)] }
        // Far repeats: distances near the 32 KiB window.
        case .repeatedRandomChunk: let chunk = randomBytes(32_000, seed: 3); return chunk + chunk + chunk + [7]
        }
    }
}

@Suite("gzip encoder (RFC 1952, RFC 1951)")
struct GzipTests {
    @Test("CRC-32 check values")
    func crc() {
        #expect(Gzip.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Gzip.crc32([]) == 0)
        #expect(Gzip.crc32(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        #expect(Gzip.crc32([0]) == 0xD202_EF8D)
    }

    @Test("the member's header and trailer")
    func frame() {
        let input = Array("hello, hello, hello".utf8)
        let out = Gzip.compress(input)
        #expect(Array(out[..<10]) == [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255])
        let crc = Gzip.crc32(input)
        #expect(Array(out.suffix(8)) == [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24), 19, 0, 0, 0])
        #expect(Gzip.compress([]).count == 10 + 2 + 8, "an empty final block with fixed codes (3 + 7 bits)")
    }

    @Test("round trips through python3's gzip module and gzip -dc", arguments: GzipSample.allCases)
    func roundTrip(_ sample: GzipSample) throws {
        let input = sample.bytes
        let compressed = Gzip.compress(input)
        for decoder in decoders {
            let same = try decode(compressed, with: decoder) == input   // not in #expect: it would print the bytes
            #expect(same, "\(decoder[0]) on \(sample.rawValue): \(input.count) → \(compressed.count) bytes")
        }
    }

    @Test("the page compresses to under a quarter, in dynamic Huffman blocks")
    func htmlRatio() {
        let page = resultsPage()
        let compressed = Gzip.compress(page)
        #expect(compressed.count * 4 < page.count, "\(page.count) → \(compressed.count) bytes")
        #expect((compressed[10] >> 1) & 3 == 2, "BTYPE of the first block")
    }

    @Test("incompressible bytes are stored, with only a few bytes of overhead")
    func randomIsStored() {
        let input = randomBytes(100_000, seed: 4)
        let compressed = Gzip.compress(input)
        let blocks = (input.count + Gzip.maxBlockSymbols - 1) / Gzip.maxBlockSymbols
        #expect(compressed.count <= input.count + 18 + 5 * blocks, "\(input.count) → \(compressed.count) bytes")
        #expect((compressed[10] >> 1) & 3 == 0, "BTYPE of the first block")
    }

    @Test("repeated and distant matches shrink the input")
    func matches() {
        #expect(Gzip.compress(GzipSample.runOfOneByte.bytes).count < 300)
        #expect(Gzip.compress(GzipSample.repeatedRandomChunk.bytes).count < 33_000)
    }

    @Test("code lengths stay within the limits and form complete prefix codes")
    func lengthLimits() throws {
        // Fibonacci frequencies make Huffman's algorithm build codes far deeper than 15.
        var fibonacci = [1, 1]
        while fibonacci.count < 40 { fibonacci.append(fibonacci[fibonacci.count - 1] + fibonacci[fibonacci.count - 2]) }
        for (frequencies, limit) in [(fibonacci, 15), (Array(fibonacci.prefix(19)), 7), ([5, 0], 15), ([0, 0, 3], 7), ([Int](repeating: 1, count: 286), 15)] {
            let lengths = Gzip.codeLengths(frequencies, limit: limit)
            #expect(lengths.allSatisfy { $0 <= limit })
            let kraft = lengths.filter { $0 > 0 }.reduce(0) { $0 + 1 << (limit - Int($1)) }
            #expect(kraft == 1 << limit, "complete: \(lengths)")
        }
        // One block of literals only, with Fibonacci frequencies (a Huffman depth of 22),
        // written directly so that LZ77 cannot blur them, and decoded for real.
        let input = fibonacci.prefix(22).enumerated().flatMap { [UInt8](repeating: UInt8(0x41 + $0.offset), count: $0.element) }
        #expect(Gzip.codeLengths(input.reduce(into: [Int](repeating: 0, count: 286)) { $0[Int($1)] += 1 }, limit: 15).max() == 15)
        var writer = BitWriter()
        Gzip.writeBlock(input.map(UInt32.init), raw: input[...], final: true, to: &writer)
        writer.flush()
        #expect((writer.out[0] >> 1) & 3 == 2, "dynamic codes")
        let crc = Gzip.crc32(input), size = UInt32(input.count)
        let trailer = [crc, size].flatMap { word in [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: word >> $0) } }
        let member = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255] + writer.out + trailer
        for decoder in decoders {
            let same = try decode(member, with: decoder) == input
            #expect(same, "\(decoder[0])")
        }
    }

    @Test("4 MB of adversarial input for the hash chains, in linear time", arguments: ["zeros", "three-byte pattern", "two-byte pattern"])
    func adversarial(_ kind: String) throws {
        let size = 4 << 20
        let input: [UInt8]
        switch kind {
        case "zeros": input = [UInt8](repeating: 0, count: size)
        case "three-byte pattern": input = (0..<size).map { [0x61, 0x62, 0x63][$0 % 3] }
        default: input = (0..<size).map { $0 % 2 == 0 ? 0x3C : 0x3E }
        }
        let clock = ContinuousClock()
        var compressed: [UInt8] = []
        let elapsed = clock.measure { compressed = Gzip.compress(input) }
        #expect(elapsed < .seconds(10), "\(kind): \(elapsed)")
        #expect(compressed.count < size / 100, "\(kind): \(size) → \(compressed.count) bytes")
        let same = try decode(compressed, with: decoders[1]) == input
        #expect(same, "gzip -dc on \(kind)")
    }
}
