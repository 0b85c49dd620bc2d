import Foundation
import Store
import Testing
@testable import Mail

/// Returned messages built to exhaust the reader (issue 19): anyone can send mail to a bounce+ address.
enum HostileBounce {
    static let head = "From: MAILER-DAEMON@relay.example\r\nTo: bounce+3f9a0c1d2e4b5a6978c0d1e2@lkee.de\r\n"
        + "Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"

    /// A message whose multipart bodies nest `depth` levels, a failure report at the bottom.
    static func nested(_ depth: Int) -> [UInt8] {
        var text = head
        for level in 0..<depth { text += "Content-Type: multipart/mixed; boundary=\"b\(level)=\"\r\n\r\n--b\(level)=\r\n" }
        text += "Content-Type: text/plain\r\n\r\n550 5.1.1 <x@example.org>: user unknown\r\n"
        for level in (0..<depth).reversed() { text += "--b\(level)=--\r\n" }
        return Array(text.utf8)
    }

    /// A message of `count` plain-text parts side by side.
    static func siblings(_ count: Int) -> [UInt8] {
        var text = head + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
        text += String(repeating: "--b\r\nContent-Type: text/plain\r\n\r\n550 5.1.1 user unknown\r\n", count: count) + "--b--\r\n"
        return Array(text.utf8)
    }

    /// A fixture of Tests/MailTests/Bounces as the innermost part of `levels` multipart/mixed levels.
    static func wrapped(_ fixture: String, levels: Int) -> [UInt8] {
        var text = head
        for level in 0..<levels { text += "Content-Type: multipart/mixed; boundary=\"w\(level)\"\r\n\r\n--w\(level)\r\n" }
        text += String(decoding: bounceFixture(fixture), as: UTF8.self) + "\r\n"
        for level in (0..<levels).reversed() { text += "--w\(level)--\r\n" }
        return Array(text.utf8)
    }
}

@Suite("Bounces: hostile returned messages are refused early, real reports read as before")
struct HostileBounceReportTests {
    let address = BounceAddress(pattern: nil, from: MailAddress(name: "Bildungsbüro", address: "bildung@lkee.de"))
    static let id = BounceMatch.envelopeID("3f9a0c1d2e4b5a6978c0d1e2"), messageID = BounceMatch.messageID("0a1b2c3d4e5f60718293a4b5c6d7e8f9")

    /// Why `read` refuses `bytes`, or nil when it reads them.
    func refusal(_ bytes: [UInt8]) -> String? {
        do {
            _ = try BounceReport.read(bytes, address: address)
            return nil
        } catch {
            return (error as? BounceReport.NotAMessage)?.description ?? "\(error)"
        }
    }

    /// What each fixture read as before the reader had limits.
    static let fixtures: [(String, BounceReport)] = [
        ("exim-classic-text.eml", BounceReport(verdict: .bounce(BounceRecord(hard: true, status: "5.0.0", code: 550,
            diagnostic: "host mx00.gmx-like.example [192.0.2.77]: 550 Requested action not taken: mailbox unavailable")), matches: [messageID])),
        ("exim-dsn.eml", BounceReport(verdict: .bounce(BounceRecord(hard: true, status: "5.0.0", code: 550,
            diagnostic: "smtp; 550 5.1.1 <jonas@firma-elsterwerda.example>: Mailbox does not exist")), matches: [id, messageID])),
        ("out-of-office.eml", BounceReport(verdict: .autoReply, matches: [id])),
        ("postfix-captured-local.eml", BounceReport(verdict: .bounce(BounceRecord(hard: true, status: "5.1.1", code: nil,
            diagnostic: "X-Postfix; unknown user: \"nosuchuser\"")), matches: [messageID])),
        ("postfix-delayed.eml", BounceReport(verdict: .bounce(BounceRecord(hard: false, status: "4.4.1", code: nil,
            diagnostic: "X-Postfix; connect to mx.firma-falkenberg.example[198.51.100.40]:25: Connection timed out")), matches: [id, messageID])),
        ("postfix-user-unknown.eml", BounceReport(verdict: .bounce(BounceRecord(hard: true, status: "5.1.1", code: 550,
            diagnostic: "smtp; 550 5.1.1 <anna.mueller@schule-herzberg.example>: Recipient address rejected: User unknown in virtual mailbox table")),
            matches: [id, messageID])),
    ]

    @Test("every real report reads exactly as before", arguments: fixtures)
    func fixtureUnchanged(name: String, expected: BounceReport) throws {
        #expect(try BounceReport.read(bounceFixture(name), address: address) == expected)
    }

    @Test("a report wrapped so that its parts sit at the depth limit (8) reads as itself; one level more is refused")
    func wrappedAtTheLimit() throws {
        let report = try BounceReport.read(HostileBounce.wrapped("postfix-user-unknown.eml", levels: 7), address: address)
        #expect(report == Self.fixtures.last?.1)
        let refused = refusal(HostileBounce.wrapped("postfix-user-unknown.eml", levels: 8))
        #expect(refused?.contains("more than 8 levels") == true, "\(refused ?? "read")")
    }

    @Test("a message nested 8 levels reads; deeper ones are refused as no report, at once", arguments: [9, 1_000, 10_000, 100_000])
    func deepNesting(depth: Int) throws {
        guard case .bounce(let record) = try BounceReport.read(HostileBounce.nested(8), address: address).verdict else { Issue.record("8 levels"); return }
        #expect(record.status == "5.1.1")
        let message = HostileBounce.nested(depth)
        let clock = ContinuousClock(), start = clock.now
        let refused = refusal(message)
        #expect(refused?.contains("more than 8 levels") == true, "\(refused ?? "read")")
        // A sanity bound far above the linear reader's time (debug, sanitizers) and far below the quadratic one's.
        #expect(clock.now - start < .seconds(20), "\(depth) levels took \(clock.now - start)")
    }

    @Test("a message of 100 parts (itself and 99 inside) reads; one of 101 or more is refused as no report", arguments: [100, 100_000])
    func manyParts(count: Int) throws {
        #expect(refusal(HostileBounce.siblings(99)) == nil)
        let refused = refusal(HostileBounce.siblings(count))
        #expect(refused?.contains("more than 100 parts") == true, "\(refused ?? "read")")
    }

    @Test("a header section over 64 KiB is refused, in the message and in a part", arguments: [
        HostileBounce.head + "X-Padding: " + String(repeating: "a", count: 70_000) + "\r\n\r\nbody\r\n",
        HostileBounce.head + String(repeating: "X-Padding: a\r\n", count: 5_000) + "\r\nbody\r\n",
        HostileBounce.head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n"
            + String(repeating: "\tfolded\r\n", count: 10_000) + "\r\nbody\r\n--b--\r\n",
    ])
    func longHeaders(text: String) {
        let refused = refusal(Array(text.utf8))
        #expect(refused?.contains("64 KiB") == true, "\(refused ?? "read")")
    }

    @Test("the parts of a message are views of its bytes, not copies")
    func partsAreSlices() throws {
        let bytes = HostileBounce.nested(8)
        let parts = try BounceReport.MIMEPart(bytes[...]).allParts()
        #expect(parts.count == 9 && parts.map(\.depth) == Array(0...8))
        bytes.withUnsafeBufferPointer { message in
            for part in parts {
                part.body.withUnsafeBufferPointer { body in
                    #expect(body.baseAddress == message.baseAddress.map { $0 + part.body.startIndex })
                }
            }
        }
    }
}
