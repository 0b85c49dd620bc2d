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
    /// The longest chunk-size line, extensions included.
    public var maxChunkLineBytes = 1024

    /// The most bytes one request may take on the wire: its head, its body with the chunked
    /// framing, and its trailer fields. Beyond it the request is refused, whatever part grew.
    public var maxRequestBytes: Int { 2 * maxHeaderBytes + maxBodyBytes }

    public init() {}

    /// How far the parser got in a request that is not complete yet, so that the next bytes are
    /// read from where it stopped: each byte of a request is looked at a bounded number of
    /// times, however slowly it arrives (RFC 9112 leaves this to the server; re-reading from
    /// the start would cost quadratic time). Offsets are from the start of the request.
    public struct Progress {
        /// Bytes already searched for the blank line that ends the head.
        var searched = 0
        var head: Head?
        var bodyStart = 0
        var chunks = ChunkProgress()

        public init() {}

        /// The request's head has been read and its body is still coming.
        public var readingBody: Bool { head != nil }
        /// The body's declared length (nil when chunked or before the head).
        public var declaredBodyBytes: Int? { head.map { $0.chunked ? nil : ($0.contentLength ?? 0) } ?? nil }
    }

    /// Parses one request from a buffer that holds all of it (tests, the fuzzer).
    public func parse(_ buffer: ArraySlice<UInt8>) -> Result {
        var progress = Progress()
        return parse(buffer, &progress)
    }

    /// Parses the request at the start of `buffer`, resuming from `progress`; after a request or a
    /// refusal `progress` is reset for the next one.
    public func parse(_ buffer: ArraySlice<UInt8>, _ progress: inout Progress) -> Result {
        let result = step(buffer, &progress)
        if case .incomplete = result {} else { progress = Progress() }
        return result
    }

    private func step(_ buffer: ArraySlice<UInt8>, _ progress: inout Progress) -> Result {
        let base = buffer.startIndex
        if progress.head == nil {
            let from = base + max(0, progress.searched - 3)
            guard let headEnd = find(buffer[from...], [13, 10, 13, 10]) else {
                if buffer.count > maxHeaderBytes { return .refused(status: 431, reason: "header block over \(maxHeaderBytes) bytes") }
                // A bare LF ending the head would never be found; refuse it once a line ends that way.
                var i = base + max(0, progress.searched)
                while i < buffer.endIndex {
                    if buffer[i] == 10 && (i == base || buffer[i - 1] != 13) { return .refused(status: 400, reason: "a line ends without CR LF") }
                    i += 1
                }
                progress.searched = buffer.count
                return .incomplete
            }
            if headEnd - base > maxHeaderBytes { return .refused(status: 431, reason: "header block over \(maxHeaderBytes) bytes") }
            let read = buffer[base..<headEnd].withUnsafeBufferPointer { readHead($0) }
            switch read {
            case .failure(let refusal): return .refused(status: refusal.status, reason: refusal.reason)
            case .success(let head):
                if !head.chunked, let length = head.contentLength, length > maxBodyBytes {
                    return .refused(status: 413, reason: "body over \(maxBodyBytes) bytes")
                }
                progress.head = head
                progress.bodyStart = headEnd + 4 - base
                progress.chunks = ChunkProgress(at: progress.bodyStart)
            }
        }
        guard let head = progress.head else { return .incomplete }
        var request = Request(method: head.method, path: head.path, query: head.query, version: head.version, headers: head.headers)
        if head.chunked {
            switch readChunks(buffer, &progress.chunks) {
            case .incomplete: return .incomplete
            case .refused(let status, let reason): return .refused(status: status, reason: reason)
            case .body(let body, let end):
                request.body = body
                return .request(request, consumed: end)
            }
        }
        let length = head.contentLength ?? 0
        let bodyStart = base + progress.bodyStart
        guard buffer.endIndex - bodyStart >= length else { return .incomplete }
        request.body = Array(buffer[bodyStart..<(bodyStart + length)])
        return .request(request, consumed: bodyStart + length - base)
    }

    enum ChunkResult { case incomplete, refused(Int, String), body([UInt8], end: Int) }

    /// Where a chunked body's reading stands (offsets from the start of the request).
    struct ChunkProgress {
        /// The start of the next chunk-size line, chunk or trailer line.
        var at = 0
        /// Bytes of the current line already searched for its CR LF.
        var searched = 0
        var body: [UInt8] = []
        /// The size of the chunk whose data starts at `at`, once its size line was read.
        var pendingChunk: Int?
        /// Where the trailer section starts, once the last chunk was read.
        var trailers: Int?
    }

    /// A chunked body (RFC 9112 section 7.1), resumed where the last call stopped. Refused: a
    /// size line over `maxChunkLineBytes` (extensions included), a body over `maxBodyBytes`,
    /// trailer fields over `maxHeaderBytes`, and a request whose wire bytes pass `maxRequestBytes`.
    func readChunks(_ buffer: ArraySlice<UInt8>, _ state: inout ChunkProgress) -> ChunkResult {
        let base = buffer.startIndex
        while true {
            if let size = state.pendingChunk {
                let start = base + state.at
                guard buffer.endIndex - start >= size + 2 else { return .incomplete }
                state.body += buffer[start..<(start + size)]
                guard buffer[start + size] == 13, buffer[start + size + 1] == 10 else { return .refused(400, "chunk data not followed by CR LF") }
                state.at += size + 2
                state.pendingChunk = nil
                state.searched = state.at
                continue
            }
            let lineStart = base + state.at
            let from = base + max(state.at, state.searched - 1)
            guard let lineEnd = find(buffer[from...], [13, 10]) else {
                state.searched = buffer.count
                if let trailers = state.trailers {
                    if buffer.count - trailers > maxHeaderBytes { return .refused(431, "trailer fields over \(maxHeaderBytes) bytes") }
                } else if buffer.endIndex - lineStart > maxChunkLineBytes {
                    return .refused(400, "chunk size line over \(maxChunkLineBytes) bytes")
                }
                return .incomplete
            }
            state.at = lineEnd + 2 - base
            state.searched = state.at
            if let trailers = state.trailers {
                if state.at - trailers > maxHeaderBytes { return .refused(431, "trailer fields over \(maxHeaderBytes) bytes") }
                if lineEnd == lineStart { return .body(state.body, end: state.at) }
                continue
            }
            let line = buffer[lineStart..<lineEnd]
            if line.count > maxChunkLineBytes { return .refused(400, "chunk size line over \(maxChunkLineBytes) bytes") }
            let sizePart = line.prefix { $0 != 0x3B }
            guard !sizePart.isEmpty, sizePart.count <= 15, sizePart.allSatisfy({ FormData.hexValue($0) != nil }) else {
                return .refused(400, "a chunk size is not plain hexadecimal digits (or too large)")
            }
            var size = 0
            for b in sizePart { size = size << 4 | Int(FormData.hexValue(b)!) }
            if state.body.count + size > maxBodyBytes { return .refused(413, "body over \(maxBodyBytes) bytes") }
            if state.at > maxRequestBytes { return .refused(413, "request over \(maxRequestBytes) bytes") }
            if size == 0 { state.trailers = state.at } else { state.pendingChunk = size }
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
                // Two fields could be read as one list or as two codings: refused, not guessed.
                if hasTransferEncoding { return refuse(400, "more than one Transfer-Encoding header") }
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
