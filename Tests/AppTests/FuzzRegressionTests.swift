import Foundation
import Testing

@Suite("Fuzz regressions: every input the fuzzer ever crashed on, replayed")
struct FuzzRegressionTests {
    @Test("Fuzz/Regressions/TARGET replays without a crash", arguments: ["http", "survey", "template", "csv", "form", "show_if"])
    func replay(target: String) throws {
        let fuzz = URL(fileURLWithPath: Binary.path).deletingLastPathComponent().appendingPathComponent("mitreden-fuzz").path
        let folder = Binary.repository.appendingPathComponent("Fuzz/Regressions/\(target)").path
        let result = try run([fuzz, target, folder])
        #expect(result.status == 0 && result.output.contains("\(target): "), "\(result.output)")
    }
}
