import Foundation
import Testing
import QR

/// Our SVG read back by real software: librsvg's `rsvg-convert` rasterises it to PNG, ZBar's
/// `zbarimg` decodes the PNG.
@Suite("QR codes read back by ZBar")
struct QRDecodeTests {
    /// A text of exactly `bytes` UTF-8 bytes mixing ASCII, umlauts and emoji.
    static func text(bytes: Int) -> String {
        let pieces = ["Mitreden ", "Grüße ", "🙂 ", "Jugendtreff ", "Öffnungszeiten ", "👍🏽 ", "Spaß "]
        var text = ""
        var used = 0
        var i = 0
        while true {
            let piece = pieces[i % pieces.count]
            if used + piece.utf8.count > bytes { break }
            text += piece
            used += piece.utf8.count
            i += 1
        }
        return text + String(repeating: "x", count: bytes - used)
    }

    /// From one character to the capacity of version 40 at the level.
    static func texts(_ level: ErrorCorrection) -> [String] {
        let capacity = QRCode.byteCapacity(version: 40, level: level)
        return ["a", "ü", "🙂", "https://mitreden.example/c/7K2M-9XQ4-HD3A",
                "Grüße aus Bad Liebenwerda – wie gefällt dir der Jugendtreff? 👍🏽",
                text(bytes: 300), text(bytes: 1000), text(bytes: capacity)]
    }

    @Test("zbarimg reads exactly the UTF-8 bytes back, one character to version 40's capacity", arguments: ErrorCorrection.allCases)
    func zbarReadsText(level: ErrorCorrection) throws {
        try ExternalTools.require("rsvg-convert", "zbarimg")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("qr-decode-\(level)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        var versions: [Int] = []
        for (i, text) in Self.texts(level).enumerated() {
            let code = try QRCode(text: text, level: level)
            versions.append(code.version)
            let svg = work.appendingPathComponent("\(i).svg"), png = work.appendingPathComponent("\(i).png")
            try Data(code.svg(moduleSize: 3, label: "QR code").utf8).write(to: svg)
            let converted = try ExternalTools.run(["rsvg-convert", svg.path, "-o", png.path])
            try #require(converted.status == 0, "rsvg-convert: \(converted.errors)")
            // -Sbinary: the bytes as they are. Without it zbarimg guesses the character set of
            // byte mode without ECI and takes short UTF-8 texts such as "ü" for Shift JIS.
            let decoded = try ExternalTools.run(["zbarimg", "--raw", "-q", "-Sbinary", png.path])
            #expect(decoded.status == 0, "\(level) version \(code.version): zbarimg found no code: \(decoded.errors)")
            #expect(decoded.output == Data(text.utf8), "\(level) version \(code.version), \(text.utf8.count) bytes: read back \(String(decoding: decoded.output.prefix(80), as: UTF8.self))")
        }
        #expect(versions.first == 1 && versions.last == 40)
    }
}
