import Foundation
import JSON
import Testing
@testable import Survey

/// The corpus of small documents in `Corpus/`: valid ones are compared with PyYAML,
/// invalid ones must give our error at the position written in their first line.
enum Corpus {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func files(_ folder: String) -> [URL] {
        let dir = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".yml") }.sorted().map { dir.appendingPathComponent($0) }
    }

    static func text(_ url: URL) -> String {
        String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
    }
}

/// Our tree in the canonical form `yaml_compare.py` reads.
func canonical(_ node: YAMLNode) -> JSONValue {
    switch node {
    case .scalar(let scalar): return canonical(scalar)
    case .sequence(let items, _): return .object([("seq", .array(items.map(canonical)))])
    case .mapping(let entries, _):
        return .object([("map", .array(entries.map { .array([canonical($0.key), canonical($0.value)]) }))])
    }
}

func canonical(_ scalar: YAMLScalar) -> JSONValue {
    switch scalar.resolved {
    case .null: return .null
    case .bool(let b): return .bool(b)
    case .int(let digits): return .object([("int", .string(digits))])
    case .float(let d): return .object([("float", .string(d.isNaN ? "nan" : d == .infinity ? "inf" : d == -.infinity ? "-inf" : "\(d)"))])
    case .string(let s): return .object([("str", .string(s))])
    }
}

/// Runs a program and returns its exit status and combined output.
func run(_ arguments: [String], input: String? = nil, environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let environment { process.environment = environment }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    if let input {
        let inputPipe = Pipe()
        process.standardInput = inputPipe
        inputPipe.fileHandleForWriting.write(Data(input.utf8))
        inputPipe.fileHandleForWriting.closeFile()
    }
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite("YAML subset against PyYAML")
struct YAMLCorpusTests {
    @Test("the corpus has at least 60 valid documents and covers every unsupported construct")
    func corpusSize() {
        #expect(Corpus.files("valid").count >= 60)
        #expect(Corpus.files("invalid").count >= 20)
    }

    @Test("every valid corpus document and every example survey reads as PyYAML reads it")
    func agreesWithPyYAML() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("yaml-compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let surveys = Corpus.root.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("surveys")
        let examples = ((try? FileManager.default.contentsOfDirectory(atPath: surveys.path)) ?? [])
            .filter { $0.hasSuffix(".yml") }.map { surveys.appendingPathComponent($0) }
        #expect(examples.count >= 4, "the example surveys are part of the comparison")
        for (i, url) in (Corpus.files("valid") + examples).enumerated() {
            let text = Corpus.text(url)
            let node = try YAMLParser.parse(text)
            let base = work.appendingPathComponent(String(format: "%03d-", i) + url.deletingPathExtension().lastPathComponent)
            try Data(text.utf8).write(to: base.appendingPathExtension("yml"))
            try Data(canonical(node).serialized().utf8).write(to: base.appendingPathExtension("json"))
        }
        let script = Corpus.root.deletingLastPathComponent().appendingPathComponent("yaml_compare.py").path
        let result = try run(["python3", script, work.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("0 different"), "\(result.output)")
    }

    static let invalid = Corpus.files("invalid").map(\.lastPathComponent)

    @Test("an unsupported or broken construct gives our error at its position", arguments: invalid)
    func rejects(_ name: String) throws {
        let text = Corpus.text(Corpus.root.appendingPathComponent("invalid").appendingPathComponent(name))
        let expectation = text.split(separator: "\n")[0].dropFirst("# error: ".count)
        let parts = expectation.split(separator: ":", maxSplits: 2)
        let mark = Mark(line: Int(parts[0])!, column: Int(parts[1])!)
        let message = parts[2].trimmingCharacters(in: .whitespaces)
        do {
            let node = try YAMLParser.parse(text)
            Issue.record("\(name) was accepted as \(canonical(node).serialized())")
        } catch let error as YAMLError {
            #expect(error.mark == mark, "\(name): \(error)")
            #expect(error.message.contains(message), "\(name): \(error)")
        }
    }
}
