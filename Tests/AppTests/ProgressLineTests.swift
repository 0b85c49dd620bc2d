import Foundation
import Glibc
import Testing
@testable import App

@Suite("Progress of long jobs on a terminal", .serialized)
struct ProgressLineTests {
    @Test("the line: count of total, rate, time left", arguments: [
        ("send", 0, 10_000 as Int?, 0.1, "send: 0 of 10,000"),
        ("send", 1_200, 10_000, 4.0, "send: 1,200 of 10,000 · 300/s · 0:30 left"),
        ("import", 2_000_000, nil, 10.0, "import: 2,000,000 · 200,000/s"),
        ("send", 10, 100_000, 10.0, "send: 10 of 100,000 · 1/s · 27:46:30 left"),
    ] as [(String, Int, Int?, Double, String)])
    func text(_ label: String, _ done: Int, _ total: Int?, _ seconds: Double, _ expected: String) {
        #expect(ProgressLine.text(label, done: done, total: total, seconds: seconds) == expected)
    }

    @Test("send shows an updating line on a terminal (a pty) and nothing when stderr is a pipe")
    func terminalOnly() throws {
        let dir = try Binary.workspace()
        try importParticipants(300, into: dir)
        _ = try Binary.run(["invite", "jugendcheck-2027"], in: dir)
        let script = """
        import os, pty, sys
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(sys.argv[1], [sys.argv[1], "send"])
        out = b""
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        os.waitpid(pid, 0)
        sys.stdout.write(out.decode("utf-8", "replace").replace("\\r", "<CR>").replace("\\x1b", "<ESC>"))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, Binary.path]
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": dir]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let terminal = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(terminal.contains("<CR><ESC>[Ksend: ") && terminal.contains(" of 300"), "\(terminal)")
        #expect(terminal.contains("delivered 300 to the outbox folder"), "\(terminal)")

        try importParticipants(310, into: dir)
        _ = try Binary.run(["invite", "jugendcheck-2027"], in: dir)
        let piped = try Binary.run(["send"], in: dir)
        #expect(piped.status == 0 && piped.stdout.hasPrefix("delivered 10 to the outbox folder"), "\(piped.stdout)")
        #expect(!piped.stderr.contains("send:") && !piped.stderr.contains("\r"), "\(piped.stderr)")
    }
}
