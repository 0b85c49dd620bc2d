/// Reads HTTP/1.1 requests (RFC 9112) strictly, from the bytes received so far. Anything a
/// smuggling attack needs to be read two ways is refused: both Content-Length and
/// Transfer-Encoding, differing Content-Lengths, obs-fold, bare CR or LF line ends, control
/// bytes in fields, a number that is not plain digits, a chunk size that overflows.
public struct RequestParser {
    public enum Result {
        /// More bytes are needed.
        case incomplete
        /// A request and how many bytes of the buffer it used.
        case request(Request, consumed: Int)
        /// The request cannot be served: answer with `status` and close the connection.
        case refused(status: Int, reason: String)
    }

    public var maxHeaderBytes = 16 * 1024
    public var maxBodyBytes = 1 << 20

    public init() {}

    public func parse(_ buffer: ArraySlice<UInt8>) -> Result {
        guard let headEnd = find(buffer, [13, 10, 13, 10]) else {
            if buffer.count > maxHeaderBytes { return .refused(status: 431, reason: "header block over \(maxHeaderBytes) bytes") }
            // A bare LF ending the head would never be found; refuse it once a line ends that way.
            if let lf = buffer.firstIndex(of: 10), lf == buffer.startIndex || buffer[lf - 1] != 13 {
                return .refused(status: 400, reason: "a line ends without CR LF")
            }
            return .incomplete
        }
        if headEnd - buffer.startIndex > maxHeaderBytes { return .refused(status: 431, reason: "header block over \(maxHeaderBytes) bytes") }
        let lines = split(buffer[buffer.startIndex..<headEnd])
        guard case .success(let lineList) = lines else {
            if case .failure(let refusal) = lines { return .refused(status: refusal.status, reason: refusal.reason) }
            return .incomplete
        }
        guard let requestLine = lineList.first else { return .refused(status: 400, reason: "empty request") }
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(Self.isTokenByte) else {
            return .refused(status: 400, reason: "malformed request line")
        }
        let method = String(decoding: parts[0], as: UTF8.self)
        let target = parts[1]
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            return .refused(status: version.hasPrefix("HTTP/") ? 505 : 400, reason: "unsupported version")
        }
        guard let first = target.first, first == 0x2F, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x23 }) else {
            return .refused(status: 400, reason: "the target must be a path (origin-form) of visible ASCII")
        }
        if target.count > 8 * 1024 { return .refused(status: 414, reason: "target too long") }
        let question = target.firstIndex(of: 0x3F)
        let path = String(decoding: target[target.startIndex..<(question ?? target.endIndex)], as: UTF8.self)
        let query = question.map { String(decoding: target[($0 + 1)...], as: UTF8.self) } ?? ""

        var headers: [(name: String, value: String)] = []
        var contentLength: Int?
        var chunked = false
        var hasTransferEncoding = false
        var hosts = 0
        for line in lineList.dropFirst() {
            guard let first = line.first else { continue }
            if first == 0x20 || first == 0x09 { return .refused(status: 400, reason: "obsolete line folding") }
            guard let colon = line.firstIndex(of: 0x3A), colon > line.startIndex,
                  line[line.startIndex..<colon].allSatisfy(Self.isTokenByte) else {
                return .refused(status: 400, reason: "malformed header field")
            }
            var valueStart = colon + 1
            var valueEnd = line.endIndex
            while valueStart < valueEnd, line[valueStart] == 0x20 || line[valueStart] == 0x09 { valueStart += 1 }
            while valueEnd > valueStart, line[valueEnd - 1] == 0x20 || line[valueEnd - 1] == 0x09 { valueEnd -= 1 }
            let value = line[valueStart..<valueEnd]
            guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                return .refused(status: 400, reason: "a control byte in a header value")
            }
            let name = String(decoding: line[line.startIndex..<colon].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
            let text = String(decoding: value, as: UTF8.self)
            switch name {
            case "content-length":
                for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let length = Self.digits(piece.utf8.drop(while: { $0 == 0x20 }).reversed().drop(while: { $0 == 0x20 }).reversed()) else {
                        return .refused(status: 400, reason: "Content-Length is not a number")
                    }
                    if let known = contentLength, known != length { return .refused(status: 400, reason: "differing Content-Length values") }
                    contentLength = length
                }
            case "transfer-encoding":
                hasTransferEncoding = true
                let codings = text.lowercased().split(separator: ",").map { String($0.trimmingSpacesAndTabs()) }
                guard codings == ["chunked"] else { return .refused(status: 501, reason: "only chunked transfer coding is supported") }
                chunked = true
            case "host":
                hosts += 1
            default: break
            }
            headers.append((name, text))
        }
        if hasTransferEncoding && contentLength != nil {
            return .refused(status: 400, reason: "both Content-Length and Transfer-Encoding")
        }
        if version == "HTTP/1.1" && hosts != 1 {
            return .refused(status: 400, reason: "HTTP/1.1 needs exactly one Host header")
        }
        var request = Request(method: method, path: path, query: query, version: version, headers: headers)
        let bodyStart = headEnd + 4
        if chunked {
            switch readChunked(buffer[bodyStart...]) {
            case .incomplete: return .incomplete
            case .refused(let status, let reason): return .refused(status: status, reason: reason)
            case .body(let body, let end):
                request.body = body
                return .request(request, consumed: end - buffer.startIndex)
            }
        }
        let length = contentLength ?? 0
        if length > maxBodyBytes { return .refused(status: 413, reason: "body over \(maxBodyBytes) bytes") }
        guard buffer.endIndex - bodyStart >= length else { return .incomplete }
        request.body = Array(buffer[bodyStart..<(bodyStart + length)])
        return .request(request, consumed: bodyStart + length - buffer.startIndex)
    }

    enum ChunkResult { case incomplete, refused(Int, String), body([UInt8], end: Int) }

    func readChunked(_ bytes: ArraySlice<UInt8>) -> ChunkResult {
        var body: [UInt8] = []
        var i = bytes.startIndex
        while true {
            guard let lineEnd = find(bytes[i...], [13, 10]) else {
                return bytes.endIndex - i > 1024 ? .refused(400, "chunk size line too long") : .incomplete
            }
            let line = bytes[i..<lineEnd]
            let sizePart = line.prefix { $0 != 0x3B }
            guard !sizePart.isEmpty, sizePart.count <= 15, sizePart.allSatisfy({ FormData.hexValue($0) != nil }) else {
                return .refused(400, "a chunk size is not plain hexadecimal digits (or too large)")
            }
            var size = 0
            for b in sizePart { size = size << 4 | Int(FormData.hexValue(b)!) }
            if body.count + size > maxBodyBytes { return .refused(413, "body over \(maxBodyBytes) bytes") }
            i = lineEnd + 2
            if size == 0 {
                // Trailer fields, then an empty line.
                while true {
                    guard let end = find(bytes[i...], [13, 10]) else { return .incomplete }
                    if end == i { return .body(body, end: end + 2) }
                    i = end + 2
                }
            }
            guard bytes.endIndex - i >= size + 2 else { return .incomplete }
            body += bytes[i..<(i + size)]
            guard bytes[i + size] == 13, bytes[i + size + 1] == 10 else { return .refused(400, "chunk data not followed by CR LF") }
            i += size + 2
        }
    }

    struct Refusal: Error { let status: Int; let reason: String }

    /// The lines of the head; a bare CR or LF is refused.
    func split(_ head: ArraySlice<UInt8>) -> Swift.Result<[ArraySlice<UInt8>], Refusal> {
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex
        var i = head.startIndex
        while i < head.endIndex {
            let b = head[i]
            if b == 13 {
                guard i + 1 < head.endIndex, head[i + 1] == 10 else { return .failure(Refusal(status: 400, reason: "a bare CR")) }
                lines.append(head[start..<i])
                i += 2
                start = i
                continue
            }
            if b == 10 || b == 0 { return .failure(Refusal(status: 400, reason: b == 0 ? "a NUL byte" : "a bare LF")) }
            i += 1
        }
        lines.append(head[start..<head.endIndex])
        return .success(lines)
    }

    func find(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while i <= last {
            if haystack[i] == needle[0] {
                var match = true
                for j in 1..<needle.count where haystack[i + j] != needle[j] { match = false; break }
                if match { return i }
            }
            i += 1
        }
        return nil
    }

    /// RFC 9110 token characters.
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: return true
        default: return false
        }
    }

    /// Plain decimal digits only (Swift's `Int("+5")` would accept a sign); nil on overflow.
    static func digits<S: Sequence>(_ bytes: S) -> Int? where S.Element == UInt8 {
        var value = 0
        var count = 0
        for b in bytes {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int(b - 0x30))
            if o1 || o2 { return nil }
            value = sum
            count += 1
        }
        return count > 0 ? value : nil
    }
}
