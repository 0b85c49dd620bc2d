import Foundation
import Glibc
import Testing

/// `mitreden serve` on a free port; returns the process and the port it listens on.
func startServe(in dir: String, environment: [String: String] = [:]) throws -> (Process, Int) {
    let (process, pipe) = try Binary.launch(["serve", "--listen", "127.0.0.1:0"], in: dir, environment: environment, log: true)
    let err = pipe!
    var log = ""
    let deadline = Date().addingTimeInterval(15)
    while !log.contains("event=started"), Date() < deadline {
        let data = err.fileHandleForReading.availableData
        if data.isEmpty { break }
        log += String(decoding: data, as: UTF8.self)
    }
    guard let range = log.range(of: "listen=127.0.0.1:"),
          let port = Int(log[range.upperBound...].prefix(while: \.isNumber)) else {
        throw SMTPServerError(message: "serve did not start: \(log)")
    }
    return (process, port)
}

func curl(_ arguments: [String]) throws -> (status: Int, body: String) {
    let result = try run(["curl", "-s", "-w", "\n%{http_code}"] + arguments)
    let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
    return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
}

@Suite("Unsubscribe (real daemon, real SMTP server, curl)", .serialized)
struct UnsubscribeTests {
    @Test("RFC 8058 one-click from the List-Unsubscribe header stops all further mail to that person")
    func oneClick() throws {
        let dir = try Binary.workspace()
        let server = try SMTPServer(directory: dir)
        try importParticipants(3, into: dir)
        _ = try Binary.run(["invite", "jugendcheck-2027"], in: dir)
        _ = try Binary.run(["send"], in: dir, environment: server.plainEnvironment)
        let received = try #require(server.messages.first { ($0["rcpt"] as? [String]) == ["person1@schule.example"] })
        let header = try #require((received["headers"] as? [String: String])?["List-Unsubscribe"])
        let token = String(header.dropFirst("<http://127.0.0.1:8080/u/".count).dropLast())
        #expect(token.count == 24)

        let (serve, port) = try startServe(in: dir)
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        let page = try curl(["http://127.0.0.1:\(port)/u/\(token)"])
        #expect(page.status == 200)
        #expect(page.body.contains("<html lang=\"de\">") && page.body.contains("<button type=\"submit\">Keine E-Mails mehr</button>"))
        let english = try curl(["http://127.0.0.1:\(port)/u/\(token)?lang=en"])
        #expect(english.body.contains("<html lang=\"en\">"))
        let oneClick = try curl(["-X", "POST", "-H", "Content-Type: application/x-www-form-urlencoded", "-d", "List-Unsubscribe=One-Click",
                                 "http://127.0.0.1:\(port)/u/\(token)"])
        #expect(oneClick.status == 200 && oneClick.body.contains("role=\"status\""))
        #expect(try curl(["http://127.0.0.1:\(port)/u/\(token)"]).body.contains("Bereits abgemeldet"))
        #expect(try curl(["http://127.0.0.1:\(port)/u/AAAAAAAAAAAAAAAAAAAAAAAA"]).status == 404)
        let headers = try run(["curl", "-s", "-D", "-", "-o", "/dev/null", "http://127.0.0.1:\(port)/u/\(token)"]).output
        #expect(headers.contains("Referrer-Policy: no-referrer") && headers.contains("X-Content-Type-Options: nosniff"))
        #expect(headers.contains("Content-Security-Policy: default-src 'none'"))

        let remind = try Binary.run(["remind", "jugendcheck-2027", "--dry-run"], in: dir)
        #expect(remind.stdout.hasPrefix("would queue 2 reminders"), "\(remind.stdout)")
        let status = try Binary.run(["status", "jugendcheck-2027"], in: dir)
        #expect(status.stdout.contains("unsubscribed    1"))
    }

    @Test("a queued invitation of someone who unsubscribed before it went out is not sent")
    func cancelledBeforeSending() throws {
        let dir = try Binary.workspace()
        let server = try SMTPServer(directory: dir)
        try importParticipants(2, into: dir)
        _ = try Binary.run(["invite", "jugendcheck-2027"], in: dir)
        let token = try run(["sqlite3", dir + "/data/mitreden.sqlite", "SELECT token FROM participants WHERE email = 'person0@schule.example'"])
            .output.trimmingCharacters(in: .whitespacesAndNewlines)
        // The daemon's own mail loop must not deliver them first: its relay refuses connections.
        var unreachable = server.plainEnvironment
        unreachable["MITREDEN_SMTP_URL"] = "smtp://127.0.0.1:9"
        unreachable["MITREDEN_SMTP_RETRY"] = "0.1"
        let (serve, port) = try startServe(in: dir, environment: unreachable)
        let post = try curl(["-X", "POST", "http://127.0.0.1:\(port)/u/\(token)"])
        kill(serve.processIdentifier, SIGTERM)
        serve.waitUntilExit()
        #expect(post.status == 200)
        var env = server.plainEnvironment
        env["MITREDEN_SMTP_RETRY"] = "0.1"
        for _ in 0..<20 where server.recipients.isEmpty {   // until the deferred invitation is due again
            _ = try Binary.run(["send"], in: dir, environment: env)
            Thread.sleep(forTimeInterval: 0.3)
        }
        #expect(server.recipients == ["person1@schule.example"])
    }
}
