import CCurl
import Foundation
import Testing
@testable import Mail

/// Parses `bytes` with Python's email package and returns headers and the text part as JSON.
func parseWithPython(_ bytes: [UInt8]) throws -> [String: Any] {
    let script = """
    import sys, json
    from email import policy
    from email.parser import BytesParser
    m = BytesParser(policy=policy.default).parsebytes(sys.stdin.buffer.read())
    body = m.get_body(("plain",))
    print(json.dumps({"headers": [[k, str(v)] for k, v in m.items()], "text": body.get_content().replace("\\r\\n", "\\n") if body else None,
                      "defects": [str(d) for d in m.defects]}))
    """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(bytes))
    input.fileHandleForWriting.closeFile()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
}

func parts(name: String, subject: String, text: String) -> MessageParts {
    MessageParts(from: MailAddress(name: "Bildungsbüro Elbe-Elster", address: "bildung@lkee.example"),
                 to: MailAddress(name: name, address: "anna@example.de"), subject: subject, text: Array(text.utf8), html: nil,
                 messageID: "abc123@lkee.example", date: Date(timeIntervalSince1970: 1_795_000_000),
                 unsubscribeURL: "https://umfrage.lkee.example/u/tok", autoSubmitted: true, envelopeFrom: "bounce+x@lkee.example")
}

@Suite("MIME messages")
struct MessageTests {
    @Test("a name or subject with CR/LF cannot add a header; umlauts survive as encoded words")
    func headerInjection() throws {
        let message = parts(name: "Anna Müller\r\nBcc: evil@example.org", subject: "Hallo\r\nBcc: evil@example.org\nX-Evil: 1 – äöü",
                            text: "Text").build()
        let parsed = try parseWithPython(message.bytes)
        let headers = (parsed["headers"] as? [[String]] ?? []).map { ($0[0], $0[1]) }
        #expect(!headers.contains { $0.0.lowercased() == "bcc" || $0.0.lowercased() == "x-evil" })
        #expect(headers.first { $0.0 == "To" }?.1 == "\"Anna Müller Bcc: evil@example.org\" <anna@example.de>", "the text stays inside the name")
        #expect(headers.first { $0.0 == "Subject" }?.1 == "Hallo  Bcc: evil@example.org X-Evil: 1 – äöü")
        #expect(headers.first { $0.0 == "From" }?.1 == "Bildungsbüro Elbe-Elster <bildung@lkee.example>")
        #expect(headers.first { $0.0 == "Auto-Submitted" }?.1 == "auto-generated")
        #expect(headers.first { $0.0 == "Date" }?.1 == "Wed, 18 Nov 2026 11:06:40 +0000")
        #expect((parsed["defects"] as? [String])?.isEmpty == true)
    }

    @Test("quoted-printable keeps long lines, trailing spaces, '=' and every character intact, lines under 77")
    func quotedPrintable() throws {
        let text = "Zeile mit Leerzeichen am Ende   \n" + String(repeating: "äöü ß € 😀 = ", count: 20) + "\nEnde=\n\n.\nletzte"
        let message = parts(name: "A", subject: "S", text: text).build()
        let lines = String(decoding: message.bytes, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(try parseWithPython(message.bytes)["text"] as? String == text + "\n")
    }

    @Test("RFC 5322 addresses are parsed from MITREDEN_SMTP_FROM", arguments: [
        ("Bildungsbüro Elbe-Elster <bildung@lkee.de>", "Bildungsbüro Elbe-Elster", "bildung@lkee.de"),
        ("\"Stadt Herzberg\" <info@herzberg.de>", "Stadt Herzberg", "info@herzberg.de"),
        ("bildung@lkee.de", nil, "bildung@lkee.de"),
    ])
    func addresses(_ text: String, _ name: String?, _ address: String) {
        #expect(MailAddress(parsing: text) == MailAddress(name: name, address: address))
    }

    @Test("the server's reply decides the outcome", arguments: [
        (CURLE_OK, 250, true, "delivered"),
        (CURLE_SEND_ERROR, 451, false, "deferred-slow"),
        (CURLE_SEND_ERROR, 452, false, "deferred"),
        (CURLE_SEND_ERROR, 550, false, "failed"),
        (CURLE_WEIRD_SERVER_REPLY, 554, true, "failed"),
        (CURLE_RECV_ERROR, 354, true, "unknown"),
        (CURLE_OPERATION_TIMEDOUT, 354, true, "unknown"),
        (CURLE_RECV_ERROR, 354, false, "deferred"),
        (CURLE_COULDNT_CONNECT, 0, false, "deferred-slow"),
        (CURLE_LOGIN_DENIED, 535, false, "failed"),
    ])
    func classification(_ result: CURLcode, _ code: Int, _ sent: Bool, _ expected: String) {
        let outcome = SMTPConnection.classify(result: result, code: code, reply: "\(code) text", sentEverything: sent, curlMessage: "curl")
        let name: String
        switch outcome {
        case .delivered: name = "delivered"
        case .deferred(_, let slow): name = slow ? "deferred-slow" : "deferred"
        case .failed: name = "failed"
        case .unknown: name = "unknown"
        }
        #expect(name == expected)
    }
}
