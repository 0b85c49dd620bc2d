/// An HTTP response: status, headers, body. `Content-Length` and `Connection` are added when sent.
public struct Response: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int, contentType: String, body: String, headers: [(String, String)] = []) {
        self.init(status: status, headers: [("Content-Type", contentType)] + headers, body: Array(body.utf8))
    }

    /// A plain-text response.
    public static func text(_ status: Int, _ text: String) -> Response {
        Response(status: status, contentType: "text/plain; charset=utf-8", body: text + "\n")
    }

    /// The serialized head and body.
    public func serialized(keepAlive: Bool, includeBody: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = []
        write(into: &bytes, keepAlive: keepAlive, includeBody: includeBody)
        return bytes
    }

    /// Appends the head and body to `out`, byte by byte (no intermediate strings: this runs once per request).
    public func write(into out: inout [UInt8], keepAlive: Bool, includeBody: Bool = true) {
        out.reserveCapacity(out.count + 256 + body.count)
        Self.append("HTTP/1.1 ", to: &out)
        Self.appendDecimal(status, to: &out)
        out.append(0x20)
        Self.append(Response.reason(status), to: &out)
        out.append(13)
        out.append(10)
        for (name, value) in headers {
            Self.append(name, to: &out)
            out.append(0x3A)
            out.append(0x20)
            Self.append(value, to: &out)
            out.append(13)
            out.append(10)
        }
        Self.append("Content-Length: ", to: &out)
        Self.appendDecimal(body.count, to: &out)
        Self.append(keepAlive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n", to: &out)
        if includeBody { out.append(contentsOf: body) }
    }

    /// The text's bytes in one copy (appending a `String.UTF8View` goes byte by byte).
    static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        guard value >= 10 else { out.append(0x30 + UInt8(value)); return }
        appendDecimal(value / 10, to: &out)
        out.append(0x30 + UInt8(value % 10))
    }

    public static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 303: return "See Other"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }
}
