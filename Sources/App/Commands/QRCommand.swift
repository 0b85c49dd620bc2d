import Foundation
import QR

extension Commands {
    static let qr = Command(
        name: "qr",
        arguments: "TEXT",
        abstract: "any text as a QR code (SVG), e.g. a link for a flyer",
        discussion: """
        Encodes TEXT (UTF-8, byte mode) with Mitreden's own encoder (ISO/IEC 18004): error
        correction M, or --level L, M, Q or H (H survives the most damage, e.g. a logo printed
        over the middle); the smallest version that holds the text; a quiet zone of 4 modules.
        Writes one SVG document, the dark modules as one path, scalable to any size: to
        standard output, or to --output FILE.svg (never overwritten). For letters, code cards
        and posters of a survey use 'mitreden letters' and 'mitreden poster'.
        """,
        options: [
            .init(flag: "--output", value: "FILE.svg", help: "write to FILE.svg instead of standard output (never overwrites)"),
            .init(flag: "--level", value: "L|M|Q|H", help: "error correction: L 7 %, M 15 % (default), Q 25 %, H 30 % of the symbol may be damaged"),
        ],
        positionals: 1...1,
        examples: ["mitreden qr https://umfrage.landkreis.example/s/familienfreundlichkeit-herzberg --output aushang-qr.svg",
                   "mitreden qr --level H 'https://umfrage.landkreis.example/c' > code-eingeben.svg"],
        run: runQR)

    static func runQR(_ invocation: Invocation) throws -> Int32 {
        let text = invocation.positionals[0]
        guard !text.isEmpty else { throw InputError("mitreden: error: the text is empty; give the text or link to encode") }
        let levels: [String: ErrorCorrection] = ["L": .low, "M": .medium, "Q": .quartile, "H": .high]
        let name = (invocation.options["--level"] ?? "M").uppercased()
        guard let level = levels[name] else {
            throw UsageError(message: "--level must be L, M, Q or H (found '\(invocation.options["--level"]!)')", command: qr)
        }
        let code: QRCode
        do {
            code = try QRCode(text: text, level: level)
        } catch let error as QRError {
            throw InputError("mitreden: error: \(error)")
        }
        let svg = code.svg(label: text.count <= 200 ? "QR code: \(text)" : "QR code")
        guard let path = invocation.options["--output"] else {
            Console.write(1, svg)
            return ExitCode.ok
        }
        try writeFile(path, svg)
        Console.out("wrote a version \(code.version) QR code (\(code.size) × \(code.size) modules, level \(name)) to \(path)")
        return ExitCode.ok
    }
}
