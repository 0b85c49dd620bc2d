// Fuzz targets for the parsers that read what strangers send or organizers write.
//
// Built with libFuzzer (scripts/fuzz): `-sanitize=fuzzer,address -DFUZZING`, and the target
// is chosen by the MITREDEN_FUZZ_TARGET environment variable. Built normally, the same
// binary replays files: `mitreden-fuzz TARGET FILE...` (the regression corpus in
// Fuzz/Regressions/TARGET/ runs in the test suite), so every crash found stays fixed.
import Foundation
import HTTP
import Mail
import Survey

enum FuzzTargets {
    static let youth: Survey = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("surveys/jugendcheck-2027.yml").path
        return try! SurveyReader.read(file: path)
    }()

    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        // The HTTP/1.1 request parser on raw bytes.
        "http": { bytes in _ = RequestParser().parse(bytes[...]) },
        // The YAML subset and the survey decoder on a survey file's text.
        "survey": { bytes in _ = try? SurveyReader.read(String(decoding: bytes, as: UTF8.self), path: "fuzz.yml") },
        // The template engine: parse, then render with a value for every name.
        "template": { bytes in
            guard let template = try? Template(String(decoding: bytes, as: UTF8.self), path: "fuzz.txt") else { return }
            _ = template.render(["name": "<Anna>", "link": "https://x/t/abc", "survey.title": "T"], escapeHTML: true)
        },
        // The CSV reader and the participants' checks.
        "csv": { bytes in _ = try? ParticipantList.read(bytes, path: "fuzz.csv", survey: youth) },
        // The form decoder and the answer checks against the youth survey.
        "form": { bytes in _ = youth.checkForm(FormData.decode(bytes), language: "de") },
        // The show_if expression parser, and evaluation of what it parsed.
        "show_if": { bytes in
            guard let condition = try? Condition.parse(String(decoding: bytes, as: UTF8.self)) else { return }
            _ = condition.evaluate(["alter": .choice("15-17"), "stunden": .number(3), "themen": .choices(["oepnv"])])
        },
    ]
}

#if FUZZING
let target: @Sendable ([UInt8]) -> Void = {
    let name = ProcessInfo.processInfo.environment["MITREDEN_FUZZ_TARGET"] ?? ""
    guard let run = FuzzTargets.all[name] else {
        fatalError("set MITREDEN_FUZZ_TARGET to one of: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))")
    }
    return run
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    target(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// SwiftPM links an executable's entry point as `<module>_main`; libFuzzer's driver runs from it.
@_cdecl("mitreden_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments) { data, size in fuzzOne(data, size) }
}
#else
@main
struct Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let run = FuzzTargets.all[name] else {
            print("usage: mitreden-fuzz TARGET FILE... (targets: \(FuzzTargets.all.keys.sorted().joined(separator: ", ")))")
            exit(2)
        }
        var count = 0
        for path in arguments.dropFirst() {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: path)).map { $0.filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 } } ?? [path]
            for file in files {
                guard let bytes = read(file) else { continue }
                run(bytes)
                count += 1
            }
        }
        print("\(name): \(count) inputs replayed without a crash")
    }

    /// A file's bytes (read with the C library: Foundation's reader leaks a buffer under ASan).
    static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[..<n]
        }
        return bytes
    }
}
#endif
