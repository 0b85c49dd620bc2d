import Foundation
import Glibc
import Testing

@Suite("One daemon per data folder (the real binary)", .serialized)
struct DataFolderLockTests {
    @Test("a second serve on the same folder is refused naming the first one's pid; send refuses while serve delivers; other commands work beside it")
    func secondDaemon() throws {
        let dir = try Binary.workspace()
        let (first, _) = try startServe(in: dir)
        defer { kill(first.processIdentifier, SIGKILL); first.waitUntilExit() }
        let second = try Binary.run(["serve", "--listen", "127.0.0.1:0"], in: dir)
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("pid \(first.processIdentifier)") && second.stderr.contains("Stop it first"), "\(second.stderr)")
        let send = try Binary.run(["send"], in: dir)
        #expect(send.status == 1 && send.stderr.contains("not needed while it runs"), "\(send.stderr)")
        let status = try Binary.run(["status"], in: dir)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(try Binary.run(["check"], in: dir).status == 0)

        // Once the daemon has ended, however it ended, the folder is free again.
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let after = try Binary.run(["send"], in: dir)
        #expect(after.status == 0, "\(after.stderr)")
        let (third, _) = try startServe(in: dir)
        kill(third.processIdentifier, SIGTERM)
        third.waitUntilExit()
        #expect(third.terminationStatus == 0)
    }
}
