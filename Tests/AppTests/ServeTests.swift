import Foundation
import Glibc
import Testing

@Suite("serve (the real binary)")
struct ServeTests {
    /// Starts `mitreden serve` on the defaults with its log readable.
    func start(in dir: String) throws -> (Process, Pipe) {
        let (process, err) = try Binary.launch(["serve"], in: dir, log: true)
        return (process, err!)
    }

    func readUntil(_ pipe: Pipe, contains text: String, log: inout String) -> Bool {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { return log.contains(text) }
            log += String(decoding: data, as: UTF8.self)
            if log.contains(text) { return true }
        }
        return false
    }

    @Test("starts on the defaults, loads the surveys, reloads on SIGHUP, stops cleanly on SIGTERM")
    func lifecycle() throws {
        let dir = try Binary.workspace()
        let (process, err) = try start(in: dir)
        var log = ""
        #expect(readUntil(err, contains: "event=started", log: &log), "\(log)")
        #expect(log.contains("event=surveys_loaded valid=5 invalid_files=0"))
        #expect(FileManager.default.fileExists(atPath: dir + "/data/mitreden.sqlite"))

        try "id: kaputt\n\ttitle: x\n".write(toFile: dir + "/surveys/kaputt.yml", atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        #expect(readUntil(err, contains: "invalid_files=1", log: &log), "\(log)")
        #expect(log.contains("surveys/kaputt.yml:2:1: error: tab used for indentation"))

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        log += String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(log)")
        #expect(log.contains("event=stopping signal=SIGTERM") && log.contains("event=stopped"))
    }
}
