import Foundation
import Store
import Testing
@testable import Mail

/// A fixture from Tests/MailTests/Bounces with the delivery's ids filled in.
func bounceFixture(_ name: String, id: String = "3f9a0c1d2e4b5a6978c0d1e2", messageID: String = "0a1b2c3d4e5f60718293a4b5c6d7e8f9") -> [UInt8] {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Bounces/\(name)").path
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return Array(text.replacingOccurrences(of: "{ID}", with: id).replacingOccurrences(of: "{MSGID}", with: messageID).utf8)
}

@Suite("Bounces: delivery status notifications as Postfix and Exim write them")
struct BounceReportTests {
    let address = BounceAddress(pattern: nil, from: MailAddress(name: "Bildungsbüro", address: "bildung@lkee.de"))

    @Test("VERP: the delivery id between prefix and suffix, case and angle brackets ignored; other addresses are none")
    func verp() {
        #expect(address.address("3f9a") == "bounce+3f9a@lkee.de")
        #expect(address.id(in: "<Bounce+3F9A@LKEE.de>") == "3f9a")
        #expect(address.id(in: "bildung@lkee.de") == nil && address.id(in: "bounce+@lkee.de") == nil && address.id(in: "bounce+a b@lkee.de") == nil)
        #expect(BounceAddress(pattern: "rueckläufer@lkee.de", from: MailAddress(name: nil, address: "x@y.de")).id(in: "rueckläufer@lkee.de") == nil)
    }

    @Test("Postfix, user unknown: hard, 5.1.1, 550, matched by VERP then Message-ID")
    func postfixHard() throws {
        let report = try BounceReport.read(bounceFixture("postfix-user-unknown.eml"), address: address)
        guard case .bounce(let record) = report.verdict else { Issue.record("\(report.verdict)"); return }
        #expect(record.hard && record.status == "5.1.1" && record.code == 550)
        #expect(record.diagnostic.hasPrefix("smtp; 550 5.1.1 <anna.mueller@schule-herzberg.example>: Recipient address rejected"))
        #expect(report.matches == [.envelopeID("3f9a0c1d2e4b5a6978c0d1e2"), .messageID("0a1b2c3d4e5f60718293a4b5c6d7e8f9")])
    }

    @Test("Postfix, delayed: soft, 4.4.1")
    func postfixDelayed() throws {
        let report = try BounceReport.read(bounceFixture("postfix-delayed.eml"), address: address)
        guard case .bounce(let record) = report.verdict else { Issue.record("\(report.verdict)"); return }
        #expect(!record.hard && record.status == "4.4.1" && record.code == nil)
        #expect(record.diagnostic.contains("Connection timed out"))
    }

    @Test("Exim's RFC 3464 report: hard, with the returned message's Message-ID")
    func eximDSN() throws {
        let report = try BounceReport.read(bounceFixture("exim-dsn.eml"), address: address)
        guard case .bounce(let record) = report.verdict else { Issue.record("\(report.verdict)"); return }
        #expect(record.hard && record.status == "5.0.0" && record.code == 550)
        #expect(report.matches.first == .envelopeID("3f9a0c1d2e4b5a6978c0d1e2") && report.matches.contains(.messageID("0a1b2c3d4e5f60718293a4b5c6d7e8f9")))
    }

    @Test("Exim's classic plain-text bounce to the From address: hard 550, matched by the quoted Message-ID only")
    func eximClassic() throws {
        let report = try BounceReport.read(bounceFixture("exim-classic-text.eml"), address: address)
        guard case .bounce(let record) = report.verdict else { Issue.record("\(report.verdict)"); return }
        #expect(record.hard && record.status == "5.0.0" && record.code == 550)
        #expect(record.diagnostic.contains("mailbox unavailable"))
        #expect(report.matches == [.messageID("0a1b2c3d4e5f60718293a4b5c6d7e8f9")])
    }

    @Test("an out-of-office reply is no bounce; the relay's recipient argument counts first")
    func autoReply() throws {
        let report = try BounceReport.read(bounceFixture("out-of-office.eml"), recipient: "bounce+aaaa@lkee.de", address: address)
        #expect(report.verdict == .autoReply)
        #expect(report.matches.first == .envelopeID("aaaa"))
    }

    @Test("input that is no mail at all is refused", arguments: ["", "hello world\n", "\n\nbody only", " continued: line\nFrom: x\n\n"])
    func notMail(_ text: String) {
        #expect(throws: BounceReport.NotAMessage.self) { try BounceReport.read(Array(text.utf8), address: address) }
    }
}

@Suite("Bounces: a report captured from a real Postfix")
struct CapturedBounceTests {
    @Test("Postfix 3.7's report of an unknown local user, captured from its pipe: hard 5.1.1, VERP and Message-ID")
    func captured() throws {
        let address = BounceAddress(pattern: "bounce+{id}@lkee.test", from: MailAddress(name: nil, address: "bildung@lkee.test"))
        let report = try BounceReport.read(bounceFixture("postfix-captured-local.eml"), address: address)
        #expect(report.verdict == .bounce(BounceRecord(hard: true, status: "5.1.1", code: nil, diagnostic: "X-Postfix; unknown user: \"nosuchuser\"")))
        #expect(report.matches == [.envelopeID("3f9a0c1d2e4b5a6978c0d1e2"), .messageID("0a1b2c3d4e5f60718293a4b5c6d7e8f9")])
    }
}

@Suite("The pool's pause")
struct PoolPauseTests {
    @Test("many messages in flight failing at once pause the pool once, not twenty times longer")
    func oneOutageOnePause() throws {
        let pool = Pool(rate: 0)
        let first = try #require(pool.pause(base: 1))
        for _ in 0..<20 { #expect(pool.pause(base: 1) == nil) }
        #expect(pool.pausedUntil() == first && first.timeIntervalSinceNow <= 1)
    }
}
