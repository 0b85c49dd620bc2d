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
    return try JSONSerialization.jsonObject(with: runPython(script, input: bytes)) as? [String: Any] ?? [:]
}

/// Runs a Python script with `bytes` on its standard input and returns its output.
func runPython(_ script: String, _ arguments: [String] = [], input bytes: [UInt8]) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(bytes))
    input.fileHandleForWriting.closeFile()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return data
}

/// One header of `bytes` decoded with Python's RFC 2047 decoder (`email.header`): the address
/// parser of `policy.default` puts a space between adjacent encoded words that split a word,
/// even in Python's own output.
func decodeHeaderWithPython(_ bytes: [UInt8], _ name: String) throws -> String {
    let script = """
    import sys
    from email import message_from_bytes
    from email.header import decode_header, make_header
    print(str(make_header(decode_header(message_from_bytes(sys.stdin.buffer.read())[sys.argv[1]]))), end="")
    """
    return String(decoding: try runPython(script, [name], input: bytes), as: UTF8.self)
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

    @Test("a long name becomes several encoded words on folded lines, and reads back whole")
    func longName() throws {
        // 39-byte cuts fall inside the two-byte umlauts of the last part.
        let name = String(repeating: "Jörg-Ülrich Müller-Lüdenscheidt ", count: 2) + "\"der Ältere\" " + String(repeating: "ä", count: 40)
        let subject = Array(repeating: "Umfrage zur Familienfreundlichkeit in Lübbenau", count: 3).joined(separator: " – ")
        let message = parts(name: name, subject: subject, text: "Text").build()
        let head = String(decoding: message.bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        #expect(head.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 }, "\(head)")
        #expect(head.components(separatedBy: "\r\n").filter { $0.hasPrefix(" =?UTF-8?B?") }.count >= 3)
        let words = head.split(whereSeparator: { $0 == " " || $0 == "\r\n" }).filter { $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") }
        #expect(words.count >= 6)
        #expect(words.allSatisfy { Data(base64Encoded: String($0.dropFirst(10).dropLast(2))).flatMap { String(data: $0, encoding: .utf8) } != nil },
                "each encoded word holds whole characters")
        #expect(try decodeHeaderWithPython(message.bytes, "To") == "\(name) <anna@example.de>")
        #expect(try decodeHeaderWithPython(message.bytes, "Subject") == subject)
        let ascii = parts(name: "Anna \"Nanni\" \\ Schmidt", subject: "S", text: "T").build()
        let asciiHeaders = (try parseWithPython(ascii.bytes)["headers"] as? [[String]] ?? []).map { ($0[0], $0[1]) }
        #expect(asciiHeaders.first { $0.0 == "To" }?.1 == "\"Anna \\\"Nanni\\\" \\\\ Schmidt\" <anna@example.de>")
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
