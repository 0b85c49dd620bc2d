import Foundation
import Testing
@testable import HTTP

func parse(_ text: String) -> RequestParser.Result { RequestParser().parse(Array(text.utf8)[...]) }

@Suite("HTTP request parser (RFC 9112)")
struct RequestParserTests {
    @Test("a request with a Content-Length body, query and headers")
    func simple() throws {
        let text = "POST /u/abc?lang=en HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nX-A:  b \r\n\r\nhelloGET"
        guard case .request(let r, let consumed) = parse(text) else {
            Issue.record("not parsed"); return
        }
        #expect(r.method == "POST" && r.path == "/u/abc" && r.query == "lang=en" && r.body == Array("hello".utf8))
        #expect(r.header("X-A") == "b" && r.queryItem("lang") == "en")
        #expect(consumed == text.utf8.count - 3, "the next request's bytes (GET) stay in the buffer")
    }

    @Test("Content-Length as a list of one repeated number, and header names in any case")
    func contentLengthList() {
        for text in ["POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3 ,3,  3\r\n\r\nabc", "POST / HTTP/1.1\r\nhOsT: x\r\nCONTENT-length: 3\r\nContent-Length: 3\r\n\r\nabc"] {
            guard case .request(let r, let consumed) = parse(text) else { Issue.record("not parsed: \(text)"); return }
            #expect(r.body == Array("abc".utf8) && consumed == text.utf8.count)
            #expect(r.headers.map(\.name).allSatisfy { $0 == $0.lowercased() } && r.header("content-length") != nil)
        }
        for text in ["POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3,\r\n\r\nabc", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3,,3\r\n\r\nabc"] {
            guard case .refused(400, _) = parse(text) else { Issue.record("not refused: \(text)"); return }
        }
    }

    @Test("chunked bodies with extensions and trailers")
    func chunked() {
        guard case .request(let r, _) = parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: v\r\n\r\n") else {
            Issue.record("not parsed"); return
        }
        #expect(String(decoding: r.body, as: UTF8.self) == "hello world")
    }

    @Test("incomplete input waits for more", arguments: [
        "GET / HTTP/1.1\r\nHost: x\r\n", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
    ])
    func incomplete(_ text: String) {
        guard case .incomplete = parse(text) else { Issue.record("\(parse(text))"); return }
    }

    /// Broken and hostile requests with the status each must get; the same table is sent to the
    /// running daemon by the hostile-input corpus (Tests/Support/hostile_corpus.py).
    static let hostile: [(String, Int)] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Support/http_hostile.json")
        let rows = (try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [[Any]] ?? []
        return rows.compactMap { row in (row.first as? String).flatMap { text in (row.last as? Int).map { (text, $0) } } }
    }()

    @Test("broken and hostile requests are refused with the right status", arguments: hostile)
    func refused(_ text: String, _ status: Int) {
        guard case .refused(let got, _) = parse(text) else { Issue.record("accepted: \(parse(text))"); return }
        #expect(got == status)
    }

    @Test("a header block over 16 KiB without its end is refused before it is complete")
    func hugeHeaderStreaming() {
        guard case .refused(431, _) = parse("GET / HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "a", count: 17000)) else { Issue.record("not refused"); return }
    }

    @Test("trailer fields past 16 KiB are refused with 431, also when their end never comes")
    func endlessTrailers() {
        let start = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n"
        let line = "X-T: " + String(repeating: "t", count: 1000) + "\r\n"
        guard case .refused(431, _) = parse(start + String(repeating: line, count: 17)) else { Issue.record("not refused"); return }
        guard case .refused(431, _) = parse(start + String(repeating: line, count: 17) + "\r\n") else { Issue.record("not refused"); return }
        guard case .request(let r, _) = parse(start + String(repeating: line, count: 10) + "\r\n") else { Issue.record("10 KB of trailers refused"); return }
        #expect(r.body == Array("A".utf8))
    }

    @Test("a chunk-size line with extensions over 1 KiB is refused even when its CR LF has come")
    func longChunkExtension() {
        let text = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;e=" + String(repeating: "x", count: 2000) + "\r\nA\r\n0\r\n\r\n"
        guard case .refused(400, _) = parse(text) else { Issue.record("accepted: \(parse(text))"); return }
    }

    @Test("a body in one-byte chunks whose framing passes the request cap is refused with 413")
    func framingCap() {
        var text = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        text += String(repeating: "1;a=b\r\nA\r\n", count: 120_000) + "0\r\n\r\n"
        guard case .refused(413, _) = parse(text) else { Issue.record("accepted: \(parse(text))"); return }
    }

    @Test("two Transfer-Encoding fields are refused, not read as one list")
    func twoTransferEncodings() {
        let text = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        guard case .refused(400, _) = parse(text) else { Issue.record("accepted: \(parse(text))"); return }
    }

    static let arriving = [
        "POST /a?b=c HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: v\r\nU: w\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + String(repeating: "v", count: 3000) + "\r\n\r\n",
    ]

    @Test("a request arriving in pieces of any size parses as when whole, resuming where it stopped", arguments: arriving, [1, 2, 3, 7, 64])
    func resumes(_ text: String, _ piece: Int) {
        let bytes = Array(text.utf8) + Array("GET /next HTTP/1.1\r\n".utf8)
        guard case .request(let whole, let wholeConsumed) = parse(text) else { Issue.record("not parsed whole"); return }
        var progress = RequestParser.Progress()
        var end = 0
        while end < bytes.count {
            end = min(bytes.count, end + piece)
            switch RequestParser().parse(bytes[0..<end], &progress) {
            case .incomplete:
                // Nothing is searched twice: the head's search, or the chunk line's, stands at the end.
                if progress.head == nil { #expect(progress.searched == end) }
                else if progress.head!.chunked && progress.chunks.pendingChunk == nil { #expect(progress.chunks.searched == end) }
                continue
            case .refused(let status, let reason): Issue.record("refused \(status) \(reason) at \(end)"); return
            case .request(let r, let consumed):
                #expect(r.method == whole.method && r.path == whole.path && r.query == whole.query && r.body == whole.body)
                #expect(r.headers.map(\.value) == whole.headers.map(\.value) && consumed == wholeConsumed)
                #expect(end - consumed < piece, "answered as soon as the request was complete")
                // Reset for the next request.
                #expect(!progress.readingBody)
                return
            }
        }
        Issue.record("never complete")
    }

    @Test("form decoding: '+' is a space, percent escapes are bytes, bad escapes stay")
    func form() {
        let pairs = FormData.decode(Array("a=1+2&b=%C3%A4%2B&c&d=%zz&a=3".utf8))
        #expect(pairs.map(\.0) == ["a", "b", "c", "d", "a"])
        #expect(pairs.map(\.1) == ["1 2", "ä+", "", "%zz", "3"])
    }
}

@Suite("Router")
struct RouterTests {
    var router: Router {
        var r = Router()
        r.add(["GET"], "/u/:token") { _, p in .text(200, "u " + p["token"]!) }
        r.add(["POST"], "/u/:token") { _, p in .text(200, "post " + p["token"]!) }
        return r
    }

    @Test("parameters are decoded after splitting; an encoded slash stays inside its segment")
    func parameters() {
        #expect(router.respond(Request(method: "GET", path: "/u/ab%2Fc")).body == Array("u ab/c\n".utf8))
        #expect(router.respond(Request(method: "GET", path: "/u/../api")).status == 404)
        #expect(router.respond(Request(method: "GET", path: "/u/")).status == 404)
        // Literal segments compare decoded; a segment more or less, or a trailing slash, is another path.
        #expect(router.respond(Request(method: "GET", path: "/%75/x%41")).body == Array("u xA\n".utf8))
        for other in ["/u/x/", "/u/x/y", "/u", "/", "//x", "/uu/x", "/U/x"] {
            #expect(router.respond(Request(method: "GET", path: other)).status == 404, "\(other)")
        }
    }

    @Test("a known path with another method is 405 with Allow; HEAD uses GET")
    func methods() {
        let response = router.respond(Request(method: "DELETE", path: "/u/x"))
        #expect(response.status == 405)
        #expect(response.headers.contains { $0.0 == "Allow" && $0.1 == "GET, POST, HEAD" })
        #expect(router.respond(Request(method: "HEAD", path: "/u/x")).status == 200)
    }
}
