import Foundation
import Glibc

/// The aiosmtpd server of `Tests/Support/smtp_server.py`, started for one test.
final class SMTPServer {
    let process = Process()
    let port: Int
    let record: String
    let directory: String

    /// Starts the server with `arguments` (see the script) and waits until it listens.
    init(_ arguments: [String] = [], directory: String) throws {
        self.directory = directory
        record = directory + "/received.jsonl"
        let script = Binary.repository.appendingPathComponent("Tests/Support/smtp_server.py").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--record", record] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = ""
        while !line.contains("\n") {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            line += String(decoding: data, as: UTF8.self)
        }
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw SMTPServerError(message: "the SMTP server did not start: \(line)")
        }
        self.port = port
    }

    deinit {
        // SIGKILL: a child started from a test's worker thread inherits its blocked SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// What the server accepted, one entry per message, parsed by Python's email package.
    var messages: [[String: Any]] {
        guard let text = try? String(contentsOfFile: record, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Recipients of the accepted messages (one entry per message).
    var recipients: [String] { messages.flatMap { ($0["rcpt"] as? [String]) ?? [] } }

    /// The environment that points `mitreden` at this server without TLS.
    var plainEnvironment: [String: String] {
        ["MITREDEN_SMTP_URL": "smtp://127.0.0.1:\(port)", "MITREDEN_SMTP_TLS": "none",
         "MITREDEN_SMTP_FROM": "Bildungsbüro Elbe-Elster <bildung@lkee.example>", "MITREDEN_SMTP_RATE": "0"]
    }
}

struct SMTPServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Writes a participants CSV with `count` people (every tenth in English) into `dir` and imports it.
func importParticipants(_ count: Int, into dir: String, emails: (Int) -> String = { "person\($0)@schule.example" }) throws {
    var csv = "email;name;language;kommune;altersgruppe\n"
    for i in 0..<count {
        csv += "\(emails(i));Jörg Müller-\(i);\(i % 10 == 0 ? "en" : "");\(i % 2 == 0 ? "Herzberg (Elster)" : "Finsterwalde");15-17\n"
    }
    try csv.write(toFile: dir + "/liste.csv", atomically: true, encoding: .utf8)
    let result = try Binary.run(["participants", "import", "jugendcheck-2027", "liste.csv"], in: dir)
    guard result.status == 0 else { throw SMTPServerError(message: result.stderr) }
}
