import Foundation
import Testing

@Suite("Fuzz regressions: every input the fuzzer ever crashed on, and the repository's own files, replayed")
struct FuzzRegressionTests {
    /// Each target's regression folder, and a folder of real inputs of its kind (so the replay
    /// runs something even while the regression folder is empty).
    @Test("Fuzz/Regressions/TARGET and real inputs replay without a crash", arguments: [
        ("http", "Tests/MailTests/Bounces"), ("survey", "Tests/SurveyTests/Corpus/invalid"), ("template", "templates"),
        ("csv", "Tests/Support"), ("form", "Tests/Support"), ("show_if", "surveys"),
    ])
    func replay(target: String, inputs: String) throws {
        let fuzz = URL(fileURLWithPath: Binary.path).deletingLastPathComponent().appendingPathComponent("mitreden-fuzz").path
        let folders = ["Fuzz/Regressions/\(target)", inputs].map { Binary.repository.appendingPathComponent($0).path }
        let result = try run([fuzz, target] + folders)
        let count = result.output.split(separator: ":").dropFirst().first.flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0
        #expect(result.status == 0 && count > 0, "\(result.output)")
    }
}
