import Foundation
import Glibc
import Testing

/// A bounce fixture of Tests/MailTests/Bounces with a delivery's ids filled in.
func bounceMessage(_ name: String, envelopeID: String, messageID: String) throws -> String {
    try String(contentsOfFile: Binary.repository.appendingPathComponent("Tests/MailTests/Bounces/\(name)").path, encoding: .utf8)
        .replacingOccurrences(of: "{ID}", with: envelopeID).replacingOccurrences(of: "{MSGID}", with: messageID)
}

/// A returned message whose multipart bodies nest `depth` levels, a failure of `envelopeID` at the
/// bottom: what anyone can send to a bounce+ address to exhaust the reader (issue 19).
func nestedBounce(depth: Int, envelopeID: String) -> String {
    let open = (0..<depth).map { "Content-Type: multipart/mixed; boundary=\"n\($0)=\"\r\n\r\n--n\($0)=\r\n" }.joined()
    let close = (0..<depth).reversed().map { "--n\($0)=--\r\n" }.joined()
    return "From: MAILER-DAEMON@relay.example\r\nTo: bounce+\(envelopeID)@lkee.de\r\nMIME-Version: 1.0\r\n" + open
        + "Content-Type: text/plain\r\n\r\n550 5.1.1 <x@example.org>: user unknown\r\n" + close
}

@Suite("Bounces end to end (real binary, returned messages as Postfix and Exim write them)", .serialized)
struct BounceTests {
    let environment = ["MITREDEN_BOUNCE_ADDRESS": "bounce+{id}@lkee.de", "MITREDEN_EVENTS_URL": "https://portal.lkee.example/events",
                       "MITREDEN_EVENTS_SECRET": "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()]

    /// Imports `count` participants, invites and sends (outbox); their (envelope id, message id) in import order.
    func invited(_ count: Int, in dir: String) throws -> [(envelope: String, message: String)] {
        try importParticipants(count, into: dir)
        #expect(try Binary.run(["invite", "jugendcheck-2027"], in: dir, environment: environment).status == 0)
        #expect(try Binary.run(["send"], in: dir, environment: environment).status == 0)
        let rows = try run(["sqlite3", "-separator", "|", dir + "/data/mitreden.sqlite", "SELECT envelope_id, message_id FROM mail_queue ORDER BY participant_id"]).output
        return rows.split(separator: "\n").map { let p = $0.split(separator: "|"); return (String(p[0]), String(p[1])) }
    }

    @Test("invitation → DSN piped to 'mitreden bounce' → status shows it failed with its code; no more mail to that address")
    func endToEnd() throws {
        let dir = try Binary.workspace()
        let ids = try invited(4, in: dir)
        let db = dir + "/data/mitreden.sqlite"

        let hard = try Binary.run(["bounce"], in: dir, environment: environment, input: bounceMessage("postfix-user-unknown.eml", envelopeID: ids[0].envelope, messageID: ids[0].message))
        #expect(hard.status == 0 && hard.stderr.contains("event=bounce") && hard.stderr.contains("kind=hard") && hard.stderr.contains("status=5.1.1"))
        // The classic plain-text bounce went to the From address: found by the quoted Message-ID.
        let classic = try Binary.run(["bounce"], in: dir, environment: environment, input: bounceMessage("exim-classic-text.eml", envelopeID: "-", messageID: ids[1].message))
        #expect(classic.status == 0 && classic.stderr.contains("kind=hard"), "\(classic.stderr)")
        let soft = try Binary.run(["bounce"], in: dir, environment: environment, input: bounceMessage("postfix-delayed.eml", envelopeID: ids[2].envelope, messageID: ids[2].message))
        #expect(soft.status == 0 && soft.stderr.contains("kind=soft"))
        // The same report again records nothing new.
        #expect(try Binary.run(["bounce"], in: dir, environment: environment, input: bounceMessage("postfix-user-unknown.eml", envelopeID: ids[0].envelope, messageID: ids[0].message)).status == 0)

        let status = try Binary.run(["status", "jugendcheck-2027"], in: dir, environment: environment).stdout
        #expect(status.contains("failed          2") && status.contains("bounced         2") && status.contains("deferred        1"), "\(status)")
        #expect(status.contains("1× 5.1.1 smtp; 550 5.1.1 <anna.mueller@schule-herzberg.example>: Recipient address rejected"))
        #expect(try run(["sqlite3", db, "SELECT count(*) FROM participants WHERE bounced_at IS NOT NULL"]).output == "2\n")
        // mail.failed queued once per hard bounce, for the global endpoint, without the address.
        let events = try run(["sqlite3", db, "SELECT url, body FROM event_queue WHERE type = 'mail.failed'"]).output
        #expect(events.split(separator: "\n").count == 2 && events.contains("https://portal.lkee.example/events|"))
        #expect(events.contains("\"code\":550") && events.contains("<address removed>") && !events.contains("@"), "\(events)")

        // A reminder queued for the bounced address is cancelled, not sent.
        _ = try run(["sqlite3", db, """
            INSERT INTO mail_queue (participant_id, survey_id, kind, sequence, next_attempt_at, message_id, envelope_id, created_at)
            SELECT participant_id, survey_id, 'reminder', 1, '2000-01-01T00:00:00Z', 'r1', 'r1', '2000-01-01T00:00:00Z' FROM mail_queue WHERE envelope_id = '\(ids[0].envelope)'
            """])
        let before = try FileManager.default.contentsOfDirectory(atPath: dir + "/data/outbox").count
        #expect(try Binary.run(["send"], in: dir, environment: environment).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/data/outbox").count == before)
        #expect(try run(["sqlite3", db, "SELECT status FROM mail_queue WHERE envelope_id = 'r1'"]).output == "cancelled\n")

        let away = try Binary.run(["bounce"], in: dir, environment: environment, input: bounceMessage("out-of-office.eml", envelopeID: ids[3].envelope, messageID: ids[3].message))
        #expect(away.status == 0 && away.stderr.contains("event=bounce_ignored"))
        let garbage = try Binary.run(["bounce"], in: dir, environment: environment, input: "this is not a mail\n")
        #expect(garbage.status == 65 && garbage.stderr.contains("not a mail message"))
        #expect(try Binary.run(["bounce"], in: dir, environment: environment, input: "").status == 65)
    }

    @Test("a returned message nested 10,000 or 100,000 levels deep: exit 65 at once, nothing recorded", arguments: [10_000, 100_000])
    func deeplyNested(depth: Int) throws {
        let dir = try Binary.workspace()
        let ids = try invited(1, in: dir)
        let delivery = ["sqlite3", dir + "/data/mitreden.sqlite", "SELECT status FROM mail_queue WHERE envelope_id = '\(ids[0].envelope)'"]
        let before = try run(delivery).output
        let start = Date()
        let result = try Binary.run(["bounce"], in: dir, environment: environment, input: nestedBounce(depth: depth, envelopeID: ids[0].envelope))
        #expect(result.status == 65 && result.stderr.contains("more than 8 levels"), "\(result.status) \(result.stderr)")
        // A sanity bound far above the reader's time (debug, sanitizers) and far below the quadratic one's.
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(try run(delivery).output == before && before != "failed\n")
    }

    @Test("a database that cannot be written now: exit 75, so the relay tries again")
    func busyDatabase() throws {
        let dir = try Binary.workspace()
        let ids = try invited(1, in: dir)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", "import sqlite3, sys, time\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\nc.execute('BEGIN EXCLUSIVE')\nprint('locked', flush=True)\ntime.sleep(12)",
                            dir + "/data/mitreden.sqlite"]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        defer { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
        _ = out.fileHandleForReading.availableData
        let busy = try Binary.run(["bounce"], in: dir, environment: environment, input: bounceMessage("postfix-user-unknown.eml", envelopeID: ids[0].envelope, messageID: ids[0].message))
        #expect(busy.status == 75 && busy.stderr.contains("try again later"), "\(busy.stderr)")
    }

    @Test("POST /hooks/bounces with the admin token records the report; without it 401; no mail 400")
    func hook() throws {
        let dir = try Binary.workspace()
        let ids = try invited(2, in: dir)
        let token = "test-admin-token-0123456789abcdef"
        let (serve, port) = try startServe(in: dir, environment: environment.merging(["MITREDEN_ADMIN_TOKEN": token]) { $1 })
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        let file = dir + "/dsn.eml"
        try bounceMessage("exim-dsn.eml", envelopeID: ids[1].envelope, messageID: ids[1].message).write(toFile: file, atomically: true, encoding: .utf8)
        func post(_ path: String, token: String?) throws -> String {
            try run(["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-H", "Content-Type: message/rfc822"] + (token.map { ["-H", "Authorization: Bearer \($0)"] } ?? [])
                    + ["--data-binary", "@" + path, "http://127.0.0.1:\(port)/hooks/bounces"]).output
        }
        #expect(try post(file, token: nil).hasSuffix("\n401"))
        let recorded = try post(file, token: token)
        #expect(recorded.hasSuffix("\n200") && recorded.contains("\"recorded\":true") && recorded.contains("\"bounce\":\"hard\""), "\(recorded)")
        try "nothing here".write(toFile: dir + "/junk.txt", atomically: true, encoding: .utf8)
        #expect(try post(dir + "/junk.txt", token: token).hasSuffix("\n400"))
        try nestedBounce(depth: 10_000, envelopeID: ids[0].envelope).write(toFile: dir + "/nested.eml", atomically: true, encoding: .utf8)
        let nested = try post(dir + "/nested.eml", token: token)
        #expect(nested.hasSuffix("\n400") && nested.contains("more than 8 levels"), "\(nested)")
        #expect(try run(["sqlite3", dir + "/data/mitreden.sqlite", "SELECT status, reply_code FROM mail_queue WHERE envelope_id = '\(ids[1].envelope)'"]).output == "failed|550\n")
    }
}
