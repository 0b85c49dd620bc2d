import Foundation
import Testing
import QR

/// Our matrices against segno's (https://github.com/heuer/segno), the reference encoder, run by
/// `segno_matrix.py` in one process for all cases. segno 1.6.6 pads the data one codeword
/// differently from the standard (its issue 148); the script corrects that.
@Suite("QR codes bit for bit against segno")
struct QRSegnoTests {
    struct Case: Codable {
        let text: String
        let version: Int?
        let level: String
        let mask: Int?
    }

    static let levels: [String: ErrorCorrection] = ["L": .low, "M": .medium, "Q": .quartile, "H": .high]

    /// Texts of one character, URLs, umlauts and emoji at versions 1, 2, 6, 7, 10, 20, 27 and 40
    /// and at the smallest version that holds them, every level, each with one forced mask (all
    /// eight in turn) and with the mask chosen by scoring; then every version and level filled to
    /// its last byte with umlauts, mask forced.
    static let cases: [Case] = {
        let texts = ["a", "ü", "🙂",
                     "https://mitreden.example/c/7K2M-9XQ4-HD3A",
                     "https://mitreden.example/s/jugendcheck-2027?quelle=plakat&ort=Herzberg",
                     "Grüße aus Bad Liebenwerda – wie gefällt dir der Jugendtreff? Öffnungszeiten, Ärger, Spaß",
                     "Mitreden 🙂👍🏽 Emoji: 🚌🏫🎸 und ein ß"]
        var cases: [Case] = []
        var forced = 0
        for (t, text) in texts.enumerated() {
            for version in [nil, 1, 2, 6, 7, 10, 20, 27, 40] as [Int?] {
                for level in ["L", "M", "Q", "H"] {
                    // segno takes up to 0.2 s to score the masks of a large symbol: the
                    // automatic mask of versions 20 and up only for the URL and the emoji.
                    if (version ?? 0) < 20 || t == 3 || t == 6 {
                        cases.append(Case(text: text, version: version, level: level, mask: nil))
                    }
                    cases.append(Case(text: text, version: version, level: level, mask: forced % 8))
                    forced += 1
                }
            }
        }
        for version in 1...40 {
            for (i, level) in ["L", "M", "Q", "H"].enumerated() {
                let capacity = QRCode.byteCapacity(version: version, level: levels[level]!)
                let text = String(repeating: "ü", count: capacity / 2) + String(repeating: "x", count: capacity % 2)
                cases.append(Case(text: text, version: version, level: level, mask: (version + i) % 8))
            }
        }
        return cases
    }()

    @Test("every case's matrix, version and mask equal segno's, and a text segno cannot fit we cannot either")
    func matricesEqualSegno() throws {
        try ExternalTools.requireSegno()
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("qr-segno-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: input) }
        let encoder = JSONEncoder()
        var lines = Data()
        for c in Self.cases {
            lines.append(try encoder.encode(c))
            lines.append(0x0A)
        }
        try lines.write(to: input)
        let script = ExternalTools.folder.appendingPathComponent("segno_matrix.py").path
        let result = try ExternalTools.run(["python3", script], input: input)
        try #require(result.status == 0, "segno_matrix.py failed: \(result.errors)")
        let answers = String(decoding: result.output, as: UTF8.self).split(separator: "\n")
        try #require(answers.count == Self.cases.count, "segno answered \(answers.count) of \(Self.cases.count) cases")

        var compared = 0, overflows = 0, automatic = 0, versions = Set<Int>()
        for (c, answer) in zip(Self.cases, answers) {
            let what = "\(c.text.prefix(30))… version \(c.version.map(String.init) ?? "auto") \(c.level) mask \(c.mask.map(String.init) ?? "auto")"
            let level = Self.levels[c.level]!
            if answer == "overflow" {
                #expect(throws: QRError.self, "\(what): segno found no room") {
                    try QRCode(text: c.text, level: level, version: c.version, mask: c.mask)
                }
                overflows += 1
                continue
            }
            let fields = answer.split(separator: " ")
            let code = try QRCode(text: c.text, level: level, version: c.version, mask: c.mask)
            #expect(String(fields[0]) == String(code.version), "\(what): version")
            #expect(String(fields[1]) == c.level)
            #expect(String(fields[2]) == String(code.mask), "\(what): mask")
            var ours = [UInt8]()
            ours.reserveCapacity(code.size * code.size)
            for y in 0..<code.size {
                for x in 0..<code.size { ours.append(code[x, y] ? UInt8(ascii: "1") : UInt8(ascii: "0")) }
            }
            let theirs = Array(fields[3].utf8)
            if ours != theirs {
                let first = ours.indices.first { $0 >= theirs.count || ours[$0] != theirs[$0] } ?? ours.count
                Issue.record("\(what): modules differ, first at (\(first % code.size), \(first / code.size))")
            }
            compared += 1
            if c.mask == nil { automatic += 1 }
            versions.insert(code.version)
        }
        // The cases must cover what they claim to.
        #expect(versions == Set(1...40))
        #expect(automatic >= 150 && compared >= 450 && overflows > 0, "\(compared) compared, \(automatic) with automatic masks, \(overflows) too long")
    }
}
