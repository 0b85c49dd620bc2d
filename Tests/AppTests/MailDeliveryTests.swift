import Foundation
import Glibc
import Testing

@Suite("Mail delivery to a real SMTP server (aiosmtpd)", .serialized)
struct MailDeliveryTests {
    @Test("a whole invitation run: one message per participant, in their language, correct MIME")
    func invitationRun() throws {
        let dir = try Binary.workspace()
        let server = try SMTPServer(directory: dir)
        try importParticipants(30, into: dir)
        #expect(try Binary.run(["invite", "jugendcheck-2027"], in: dir).stdout.hasPrefix("queued 30 invitations"))
        let send = try Binary.run(["send"], in: dir, environment: server.plainEnvironment)
        #expect(send.status == 0, "\(send.stderr)")
        #expect(send.stdout.hasPrefix("delivered 30 to the smtp server 127.0.0.1, deferred 0, failed 0"), "\(send.stdout)")

        let messages = server.messages
        #expect(messages.count == 30)
        #expect(Set(server.recipients).count == 30, "nobody twice")
        var messageIDs = Set<String>()
        for m in messages {
            let headers = m["headers"] as? [String: String] ?? [:]
            let rcpt = (m["rcpt"] as? [String])?.first ?? ""
            let english = rcpt.hasPrefix("person0@") || rcpt.hasPrefix("person10@") || rcpt.hasPrefix("person20@")
            #expect(headers["Subject"] == (english ? "Your opinion matters: Youth check Elbe-Elster 2027" : "Deine Meinung zählt: Jugendcheck Elbe-Elster 2027"))
            #expect(headers["From"] == "Bildungsbüro Elbe-Elster <bildung@lkee.example>")
            #expect(headers["To"]?.hasPrefix("Jörg Müller-") == true && headers["To"]?.hasSuffix("<\(rcpt)>") == true)
            #expect(headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click")
            #expect(headers["MIME-Version"] == "1.0" && headers["Date"] != nil)
            #expect(headers["Auto-Submitted"] == nil, "an invitation is not auto-submitted")
            // German has invitation.html; English has no .html template, so a text-only mail.
            #expect(m["content_type"] as? String == (english ? "text/plain" : "multipart/alternative"))
            #expect((m["defects"] as? [String])?.isEmpty == true)
            #expect((m["max_line"] as? Int ?? 999) <= 78)
            let text = m["text"] as? String ?? ""
            let html = m["html"] as? String ?? ""
            let link = try #require(text.split(separator: "\n").first { $0.hasPrefix("http://127.0.0.1:8080/t/") })
            let token = link.dropFirst("http://127.0.0.1:8080/t/".count)
            #expect(token.count == 24)
            #expect(headers["List-Unsubscribe"] == "<http://127.0.0.1:8080/u/\(token)>")
            #expect(english ? html.isEmpty : html.contains("href=\"http://127.0.0.1:8080/t/\(token)\""))
            #expect(text.contains(english ? "until February 28, 2027" : "bis 28. Februar 2027"), "\(text)")
            #expect(m["mail_from"] as? String != nil && (m["mail_from"] as! String).hasSuffix("@lkee.example"))
            messageIDs.insert(headers["Message-ID"] ?? "")
        }
        #expect(messageIDs.count == 30)

        let again = try Binary.run(["invite", "jugendcheck-2027"], in: dir)
        #expect(again.stdout.hasPrefix("queued 0 invitations"), "never twice")
        let status = try Binary.run(["status", "jugendcheck-2027"], in: dir)
        #expect(status.stdout.contains("delivered       30"), "\(status.stdout)")
    }

    @Test("STARTTLS with a self-signed certificate and AUTH; a wrong password defers with the reason")
    func startTLSAndAuth() throws {
        let dir = try Binary.workspace()
        let openssl = try run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                               "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem"])
        #expect(openssl.status == 0, "\(openssl.output)")
        let server = try SMTPServer(["--tls", dir + "/cert.pem", dir + "/key.pem", "--auth", "bildung:geheim"], directory: dir)
        try importParticipants(3, into: dir)
        _ = try Binary.run(["invite", "jugendcheck-2027"], in: dir)
        var env = server.plainEnvironment
        env["MITREDEN_SMTP_TLS"] = "require"
        env["MITREDEN_SMTP_CA_FILE"] = dir + "/cert.pem"
        env["MITREDEN_SMTP_USER"] = "bildung"
        env["MITREDEN_SMTP_PASSWORD"] = "falsch"
        env["MITREDEN_SMTP_RETRY"] = "0.2"
        let denied = try Binary.run(["send"], in: dir, environment: env)
        #expect(denied.status == 0)
        #expect(denied.stdout.contains("delivered 0") && denied.stdout.contains("deferred 3"), "\(denied.stdout)")
        #expect(server.messages.isEmpty)
        Thread.sleep(forTimeInterval: 1.0)
        env["MITREDEN_SMTP_PASSWORD"] = "geheim"
        let sent = try Binary.run(["send"], in: dir, environment: env)
        #expect(sent.stdout.hasPrefix("delivered 3"), "\(sent.stdout) \(sent.stderr)")
        #expect(server.messages.count == 3)
        #expect(server.messages.allSatisfy { $0["tls"] as? Bool == true && $0["auth"] as? Bool == true })
    }

    @Test("451 to some recipients defers them; a later run delivers each exactly once")
    func greylisting() throws {
        let dir = try Binary.workspace()
        let server = try SMTPServer(["--defer-first", "grau"], directory: dir)
        try importParticipants(12, into: dir) { $0 % 3 == 0 ? "grau\($0)@schule.example" : "person\($0)@schule.example" }
        _ = try Binary.run(["invite", "jugendcheck-2027"], in: dir)
        var env = server.plainEnvironment
        env["MITREDEN_SMTP_RETRY"] = "0.3"
        var runs = 0
        while server.messages.count < 12 && runs < 15 {
            _ = try Binary.run(["send"], in: dir, environment: env)
            runs += 1
            Thread.sleep(forTimeInterval: 0.4)
        }
        let attempts = try run(["sqlite3", dir + "/data/mitreden.sqlite",
                                "SELECT p.email LIKE 'grau%', m.attempts FROM mail_queue m JOIN participants p ON p.id = m.participant_id"]).output
        #expect(Set(attempts.split(separator: "\n")) == ["1|2", "0|1"], "the greylisted ones took a second attempt, the others one: \(attempts)")
        #expect(server.recipients.sorted() == Set(server.recipients).sorted(), "nobody twice")
        #expect(Set(server.recipients).count == 12)
        let status = try Binary.run(["status", "jugendcheck-2027"], in: dir)
        #expect(status.stdout.contains("delivered       12"), "\(status.stdout)")
    }

    @Test("550 fails the message and keeps the server's reply for status")
    func rejected() throws {
        let dir = try Binary.workspace()
        let server = try SMTPServer(["--reject", "unbekannt"], directory: dir)
        try importParticipants(4, into: dir) { $0 == 2 ? "unbekannt@schule.example" : "person\($0)@schule.example" }
        _ = try Binary.run(["invite", "jugendcheck-2027"], in: dir)
        let send = try Binary.run(["send"], in: dir, environment: server.plainEnvironment)
        #expect(send.stdout.hasPrefix("delivered 3 to the smtp server 127.0.0.1, deferred 0, failed 1"), "\(send.stdout)")
        let status = try Binary.run(["status", "jugendcheck-2027"], in: dir)
        #expect(status.stdout.contains("failed          1"))
        #expect(status.stdout.contains("1× 550 5.1.1 <unbekannt@schule.example>: Recipient address rejected: User unknown"), "\(status.stdout)")
        let again = try Binary.run(["send"], in: dir, environment: server.plainEnvironment)
        #expect(again.stdout.hasPrefix("delivered 0"), "a failed message is not retried")
    }

    @Test("a template broken after 'invite' defers the messages that use it, with the template's error; the others go out")
    func brokenTemplate() throws {
        let dir = try Binary.workspace()
        let server = try SMTPServer(directory: dir)
        try importParticipants(3, into: dir)
        _ = try Binary.run(["invite", "jugendcheck-2027"], in: dir)
        try "Subject: Hallo {{name\nkaputt\n".write(toFile: dir + "/templates/invitation.txt", atomically: true, encoding: .utf8)
        let send = try Binary.run(["send"], in: dir, environment: server.plainEnvironment)
        #expect(send.status == 0, "\(send.stderr)")
        // Participant 0 reads English (invitation.en.txt, intact); 1 and 2 German.
        #expect(send.stdout.hasPrefix("delivered 1 to the smtp server 127.0.0.1, deferred 2, failed 0"), "\(send.stdout)")
        #expect(send.stderr.contains("event=mail_not_rendered") && send.stderr.contains("invitation.txt:1:7: error: '{{' is not closed"), "\(send.stderr)")
        #expect(server.recipients == ["person0@schule.example"])
    }

    @Test("a connection dropped after the data is 'unknown' and never resent; dropped before the data is retried")
    func droppedConnections() throws {
        let dir = try Binary.workspace()
        let server = try SMTPServer(["--drop-data", "nachdaten", "--drop-rcpt", "vordaten"], directory: dir)
        try importParticipants(6, into: dir) { $0 == 1 ? "nachdaten@schule.example" : $0 == 2 ? "vordaten@schule.example" : "person\($0)@schule.example" }
        _ = try Binary.run(["invite", "jugendcheck-2027"], in: dir)
        var env = server.plainEnvironment
        env["MITREDEN_SMTP_RETRY"] = "0.2"
        env["MITREDEN_SMTP_CONNECTIONS"] = "1"
        let first = try Binary.run(["send"], in: dir, environment: env)
        #expect(first.stdout.contains("unknown 1"), "\(first.stdout)")
        Thread.sleep(forTimeInterval: 1.0)
        _ = try Binary.run(["send"], in: dir, environment: env)
        Thread.sleep(forTimeInterval: 1.0)
        _ = try Binary.run(["send"], in: dir, environment: env)
        let recipients = server.recipients
        #expect(!recipients.contains("nachdaten@schule.example"), "the server dropped it without accepting, and it was not sent again")
        #expect(recipients.filter { $0 == "vordaten@schule.example" }.count == 1, "dropped before the data: retried and delivered once")
        #expect(recipients.count == 5)
        let status = try Binary.run(["status", "jugendcheck-2027"], in: dir)
        #expect(status.stdout.contains("unknown         1"), "\(status.stdout)")
    }

    @Test("send stopped part way (SIGTERM, then SIGKILL) and run again: nothing lost, nothing doubled but the crash window")
    func restartPartWay() throws {
        let dir = try Binary.workspace()
        let server = try SMTPServer(["--delay", "0.05"], directory: dir)
        try importParticipants(80, into: dir)
        _ = try Binary.run(["invite", "jugendcheck-2027"], in: dir)
        var env = server.plainEnvironment
        env["MITREDEN_SMTP_CONNECTIONS"] = "2"

        // SIGTERM: the messages in flight are finished and recorded: exactly once.
        let graceful = try startSend(in: dir, environment: env)
        Thread.sleep(forTimeInterval: 0.6)
        kill(graceful.processIdentifier, SIGTERM)
        graceful.waitUntilExit()
        let afterTerm = server.recipients.count
        #expect(afterTerm > 0 && afterTerm < 80, "stopped part way (\(afterTerm) sent)")

        // SIGKILL: messages the server took just before the kill may come again, no more.
        let killed = try startSend(in: dir, environment: env)
        Thread.sleep(forTimeInterval: 0.6)
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        let inFlight = try run(["sqlite3", dir + "/data/mitreden.sqlite", "SELECT count(*) FROM mail_queue WHERE status = 'sending'"])
        let window = Int(inFlight.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        #expect(window >= 0 && window <= 80 - afterTerm, "only mail not yet delivered can be in flight")

        let finish = try Binary.run(["send"], in: dir, environment: env)
        #expect(finish.status == 0, "\(finish.stderr.suffix(3000))")
        let recipients = server.recipients
        #expect(Set(recipients).count == 80, "nothing lost")
        let duplicates = recipients.count - Set(recipients).count
        #expect(duplicates <= window, "duplicates (\(duplicates)) only among the \(window) messages in flight at the kill")
        print("restart test: \(afterTerm) sent before SIGTERM, \(window) in flight at SIGKILL, \(duplicates) duplicates")
    }

    @Test("serve delivers invitations queued while it runs")
    func serveDelivers() throws {
        let dir = try Binary.workspace()
        let server = try SMTPServer(directory: dir)
        try importParticipants(5, into: dir)
        let (serve, _) = try startServe(in: dir, environment: server.plainEnvironment)
        defer { kill(serve.processIdentifier, SIGTERM); serve.waitUntilExit() }
        _ = try Binary.run(["invite", "jugendcheck-2027"], in: dir)
        let deadline = Date().addingTimeInterval(15)
        while server.messages.count < 5 && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        #expect(server.messages.count == 5)
    }

    func startSend(in dir: String, environment: [String: String]) throws -> Process {
        try Binary.launch(["send"], in: dir, environment: environment).0
    }
}

/// Runs a program and returns its status and combined output.
func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite("Reminders and the rate cap (real daemon, aiosmtpd)", .serialized)
struct ReminderTests {
    @Test("serve reminds those who have not answered after 'reminders.after', at most 'max' times, auto-submitted")
    func automaticReminders() throws {
        let dir = try Binary.workspace()
        let server = try SMTPServer(directory: dir)
        try importParticipants(4, into: dir)
        _ = try Binary.run(["invite", "jugendcheck-2027"], in: dir)
        _ = try Binary.run(["send"], in: dir, environment: server.plainEnvironment)
        #expect(server.messages.count == 4)
        let db = dir + "/data/mitreden.sqlite"
        // person1 answered, person2 unsubscribed; the invitations went out 8 days ago (after: 7d).
        _ = try run(["sqlite3", db, """
            UPDATE participants SET answered = 1 WHERE email = 'person1@schule.example';
            UPDATE participants SET unsubscribed_at = '2026-01-01T00:00:00Z' WHERE email = 'person2@schule.example';
            UPDATE mail_queue SET delivered_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-8 days');
            """])
        let (serve, _) = try startServe(in: dir, environment: server.plainEnvironment)
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        let deadline = Date().addingTimeInterval(15)
        while server.messages.count < 6 && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        let reminders = server.messages.dropFirst(4)
        #expect(reminders.count == 2)
        #expect(Set(reminders.flatMap { $0["rcpt"] as? [String] ?? [] }) == ["person0@schule.example", "person3@schule.example"])
        for reminder in reminders {
            let headers = reminder["headers"] as? [String: String] ?? [:]
            #expect(headers["Auto-Submitted"] == "auto-generated")
            #expect(headers["Subject"]?.hasPrefix("Reminder:") == true || headers["Subject"]?.hasPrefix("Erinnerung:") == true)
        }
        // The reminder was just delivered: the next one only after another 7 days (max is 2).
        Thread.sleep(forTimeInterval: 3)
        #expect(server.messages.count == 6)
        _ = try run(["sqlite3", db, "UPDATE mail_queue SET delivered_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-8 days')"])
        let second = Date().addingTimeInterval(15)
        while server.messages.count < 8 && Date() < second { Thread.sleep(forTimeInterval: 0.2) }
        _ = try run(["sqlite3", db, "UPDATE mail_queue SET delivered_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-8 days')"])
        Thread.sleep(forTimeInterval: 3)
        #expect(server.messages.count == 8, "two reminders each, then no more (reminders.max = 2)")
        let byKommune = try Binary.run(["status", "jugendcheck-2027", "--by", "kommune"], in: dir)
        #expect(byKommune.stdout.contains("Finsterwalde") && byKommune.stdout.contains("<5"), "\(byKommune.stdout)")
    }

    @Test("MITREDEN_SMTP_RATE caps messages per second across connections")
    func rateCap() throws {
        let dir = try Binary.workspace()
        let server = try SMTPServer(directory: dir)
        try importParticipants(12, into: dir)
        _ = try Binary.run(["invite", "jugendcheck-2027"], in: dir)
        var env = server.plainEnvironment
        env["MITREDEN_SMTP_RATE"] = "10"
        env["MITREDEN_SMTP_CONNECTIONS"] = "4"
        _ = try Binary.run(["send"], in: dir, environment: env)
        let times = server.messages.compactMap { $0["received_at"] as? Double }.sorted()
        #expect(times.count == 12)
        // 12 messages at 10 per second: the first and the last are at least 1.1 s apart (11 gaps of 0.1 s).
        #expect((times.last ?? 0) - (times.first ?? 0) >= 1.0, "\(times)")
    }
}
