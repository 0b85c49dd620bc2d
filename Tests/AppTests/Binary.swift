import Foundation
import Glibc

/// The `mitreden` binary that `swift test` built beside the test bundle (or $MITREDEN_BIN).
enum Binary {
    static var path: String {
        if let path = ProcessInfo.processInfo.environment["MITREDEN_BIN"] { return path }
        let bundle = Bundle.main.bundleURL
        for dir in [bundle, bundle.deletingLastPathComponent(), URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("mitreden").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/mitreden").path
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `mitreden` with `arguments` in `directory` and returns what it printed.
    /// Standard input is `input`, then end of file.
    static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:], input: String = "") throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ["PATH": "/usr/bin:/bin", "HOME": directory]
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts `mitreden` in the background; its stderr is returned as a pipe when `log` is set.
    static func launch(_ arguments: [String], in directory: String, environment: [String: String] = [:], log: Bool = false) throws -> (Process, Pipe?) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        // A clean environment, but the sanitizers' options pass through (their suppressions).
        let sanitizers = ProcessInfo.processInfo.environment.filter { $0.key == "LSAN_OPTIONS" || $0.key == "ASAN_OPTIONS" }
        process.environment = ["PATH": "/usr/bin:/bin"].merging(sanitizers) { $1 }.merging(environment) { $1 }
        let err = log ? Pipe() : nil
        process.standardError = err ?? FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return (process, err)
    }

    /// A fresh working folder with copies of the repository's surveys and templates. An example
    /// survey that closes within 60 days (or has closed: the examples carry real dates) is kept
    /// open in the copy, so that the tests do not change with the calendar; the earlier wave
    /// (`fachkraeftebedarf-2025`) stays closed, as it is meant to be.
    static func workspace() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mitreden-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for folder in ["surveys", "templates"] {
            try FileManager.default.copyItem(atPath: repository.appendingPathComponent(folder).path, toPath: dir + "/" + folder)
        }
        let soon = ISO8601DateFormatter.string(from: Date().addingTimeInterval(60 * 86400), timeZone: .gmt, formatOptions: [.withFullDate])
        for name in try FileManager.default.contentsOfDirectory(atPath: dir + "/surveys") where name.hasSuffix(".yml") && !name.contains("2025") {
            let path = dir + "/surveys/" + name
            let text = try String(contentsOfFile: path, encoding: .utf8)
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("closes: ") }), String(line.dropFirst(8).prefix(10)) < soon else { continue }
            try withDates(text, closes: "2099-12-31").write(toFile: path, atomically: true, encoding: .utf8)
        }
        return dir
    }

    /// A survey file's text with its `opens:` and `closes:` lines set (those given).
    static func withDates(_ text: String, opens: String? = nil, closes: String? = nil) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            if let opens, line.hasPrefix("opens: ") { return "opens: \(opens)" }
            if let closes, line.hasPrefix("closes: ") { return "closes: \(closes)" }
            return String(line)
        }.joined(separator: "\n")
    }
}
