import Foundation
import Glibc
import Testing

@Suite("Resource attacks on the real daemon: trailers, pipelining into a client that never reads, slowloris", .serialized)
struct HTTPAttackTests {
    @Test("memory stays bounded, heads that drip are cut off, and other clients are served throughout")
    func attacks() throws {
        let dir = try Binary.workspace()
        let (serve, port) = try startServe(in: dir)
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        // Under the address sanitizer (the suite's second run) memory is the sanitizer's: not checked.
        let sanitized = ProcessInfo.processInfo.environment["LSAN_OPTIONS"] != nil
        let output = try run(["python3", Binary.repository.appendingPathComponent("Tests/Support/http_attacks.py").path,
                              String(port), String(serve.processIdentifier), "familienfreundlichkeit-herzberg"] + (sanitized ? ["--no-memory"] : [])).output
        let lines = output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let checks = lines.filter { $0["name"] != nil }
        #expect(checks.count == (sanitized ? 7 : 10), "\(output)")
        for c in checks {
            #expect("\(c["got"]!)" == "\(c["expected"]!)", "\(c["name"]!): expected \(c["expected"]!), got \(c["got"]!)")
        }
        for f in lines where f["figure"] != nil { print("figure: \(f["figure"]!): \(f["value"]!)") }
        #expect(kill(serve.processIdentifier, 0) == 0, "the daemon is still running")
    }
}
