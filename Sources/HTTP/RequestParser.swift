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
        let read = buffer[buffer.startIndex..<headEnd].withUnsafeBufferPointer { readHead($0) }
        guard case .success(let head) = read else {
            if case .failure(let refusal) = read { return .refused(status: refusal.status, reason: refusal.reason) }
            return .incomplete
        }
        var request = Request(method: head.method, path: head.path, query: head.query, version: head.version, headers: head.headers)
        let bodyStart = headEnd + 4
        if head.chunked {
            switch readChunked(buffer[bodyStart...]) {
            case .incomplete: return .incomplete
            case .refused(let status, let reason): return .refused(status: status, reason: reason)
            case .body(let body, let end):
                request.body = body
                return .request(request, consumed: end - buffer.startIndex)
            }
        }
        let length = head.contentLength ?? 0
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

    struct Head {
        var method = "", path = "", query = "", version = ""
        var headers: [(name: String, value: String)] = []
        var contentLength: Int?
        var chunked = false
    }

    /// The request line and header fields. The head is read in place (no array of lines, no
    /// copies but the Strings kept), and checked first as a whole: a bare CR or LF and NUL are
    /// refused wherever they are.
    func readHead(_ head: UnsafeBufferPointer<UInt8>) -> Swift.Result<Head, Refusal> {
        func refuse(_ status: Int, _ reason: String) -> Swift.Result<Head, Refusal> { .failure(Refusal(status: status, reason: reason)) }
        var i = 0
        while i < head.count {
            let b = head[i]
            if b == 13 {
                guard i + 1 < head.count, head[i + 1] == 10 else { return refuse(400, "a bare CR") }
                i += 2
                continue
            }
            if b == 10 || b == 0 { return refuse(400, b == 0 ? "a NUL byte" : "a bare LF") }
            i += 1
        }
        /// The end of the line starting at `start` (its CR, or the end of the head).
        func lineEnd(_ start: Int) -> Int {
            var i = start
            while i < head.count, head[i] != 13 { i += 1 }
            return i
        }
        func string(_ from: Int, _ to: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: head[from..<to]), as: UTF8.self) }

        // The request line: exactly three parts, split by single spaces.
        let firstEnd = lineEnd(0)
        var spaces = (0, 0, count: 0)
        for j in 0..<firstEnd where head[j] == 0x20 {
            spaces.count += 1
            if spaces.count == 1 { spaces.0 = j } else if spaces.count == 2 { spaces.1 = j } else { break }
        }
        guard spaces.count == 2, spaces.0 > 0, head[0..<spaces.0].allSatisfy(Self.isTokenByte) else {
            return refuse(400, "malformed request line")
        }
        var result = Head()
        result.method = string(0, spaces.0)
        let target = head[(spaces.0 + 1)..<spaces.1]
        result.version = string(spaces.1 + 1, firstEnd)
        guard result.version == "HTTP/1.1" || result.version == "HTTP/1.0" else {
            return refuse(result.version.hasPrefix("HTTP/") ? 505 : 400, "unsupported version")
        }
        guard let first = target.first, first == 0x2F, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x23 }) else {
            return refuse(400, "the target must be a path (origin-form) of visible ASCII")
        }
        if target.count > 8 * 1024 { return refuse(414, "target too long") }
        let question = target.firstIndex(of: 0x3F)
        result.path = string(target.startIndex, question ?? target.endIndex)
        if let question { result.query = string(question + 1, target.endIndex) }

        var hasTransferEncoding = false
        var hosts = 0
        var start = firstEnd + 2
        while start < head.count {
            let end = lineEnd(start)
            defer { start = end + 2 }
            let line = head[start..<end]
            guard let first = line.first else { continue }
            if first == 0x20 || first == 0x09 { return refuse(400, "obsolete line folding") }
            guard let colon = line.firstIndex(of: 0x3A), colon > line.startIndex,
                  line[line.startIndex..<colon].allSatisfy(Self.isTokenByte) else {
                return refuse(400, "malformed header field")
            }
            var valueStart = colon + 1
            var valueEnd = line.endIndex
            while valueStart < valueEnd, line[valueStart] == 0x20 || line[valueStart] == 0x09 { valueStart += 1 }
            while valueEnd > valueStart, line[valueEnd - 1] == 0x20 || line[valueEnd - 1] == 0x09 { valueEnd -= 1 }
            let value = line[valueStart..<valueEnd]
            guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                return refuse(400, "a control byte in a header value")
            }
            // Lower-cased as it is copied: a short name stays inside the String, no allocation.
            let name = String(unsafeUninitializedCapacity: colon - start) { out in
                for (k, b) in line[start..<colon].enumerated() { out[k] = b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
                return colon - start
            }
            let text = string(valueStart, valueEnd)
            switch name {
            case "content-length":
                // A list ("5, 5") is allowed when every member is the same number.
                var from = value.startIndex
                while true {
                    let to = value[from...].firstIndex(of: 0x2C) ?? value.endIndex
                    var (a, b) = (from, to)
                    while a < b, head[a] == 0x20 { a += 1 }
                    while b > a, head[b - 1] == 0x20 { b -= 1 }
                    guard let length = Self.digits(head[a..<b]) else { return refuse(400, "Content-Length is not a number") }
                    if let known = result.contentLength, known != length { return refuse(400, "differing Content-Length values") }
                    result.contentLength = length
                    if to == value.endIndex { break }
                    from = to + 1
                }
            case "transfer-encoding":
                hasTransferEncoding = true
                let codings = text.lowercased().split(separator: ",").map { String($0.trimmingSpacesAndTabs()) }
                guard codings == ["chunked"] else { return refuse(501, "only chunked transfer coding is supported") }
                result.chunked = true
            case "host":
                hosts += 1
            default: break
            }
            result.headers.append((name, text))
        }
        if hasTransferEncoding && result.contentLength != nil {
            return refuse(400, "both Content-Length and Transfer-Encoding")
        }
        if result.version == "HTTP/1.1" && hosts != 1 {
            return refuse(400, "HTTP/1.1 needs exactly one Host header")
        }
        return .success(result)
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
