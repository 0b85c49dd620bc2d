import Foundation

/// A tool the tests need is not installed; `scripts/setup --test` installs it.
struct MissingTool: Error, CustomStringConvertible {
    let description: String
}

/// The external programs the comparison and decoding tests run, found on PATH.
enum ExternalTools {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// Throws unless every program is on PATH.
    static func require(_ programs: String...) throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for program in programs {
            let found = path.split(separator: ":").contains {
                FileManager.default.isExecutableFile(atPath: "\($0)/\(program)")
            }
            if !found { throw MissingTool(description: "\(program) is not installed (it is on no PATH entry); run scripts/setup --test") }
        }
    }

    /// Throws unless the python3 on PATH can import segno.
    static func requireSegno() throws {
        try require("python3")
        let result = try run(["python3", "-c", "import segno"])
        if result.status != 0 {
            throw MissingTool(description: "segno is not installed for the python3 on PATH; run scripts/setup --test (\(result.errors))")
        }
    }

    /// Runs a program found on PATH with standard input from `input` (a file), and returns its
    /// exit status, standard output and standard error. Output goes through files, so neither
    /// side waits on a full pipe.
    static func run(_ arguments: [String], input: URL? = nil) throws -> (status: Int32, output: Data, errors: String) {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("qr-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let out = work.appendingPathComponent("stdout"), err = work.appendingPathComponent("stderr")
        try Data().write(to: out)
        try Data().write(to: err)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        if let input { process.standardInput = try FileHandle(forReadingFrom: input) }
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try Data(contentsOf: out), String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }
}
