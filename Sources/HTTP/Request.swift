/// An HTTP request as the server read it (RFC 9112).
public struct Request: Sendable {
    public var method: String
    /// The path, percent-decoding left to the router (so `%2F` cannot become a separator).
    public var path: String
    /// The raw query string, without '?'.
    public var query: String
    public var version: String
    /// Header fields in order; names lower-cased.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The address the connection came from (a reverse proxy's, behind one).
    public var peer: String = ""
    /// The peer is one of the server's trusted reverse proxies.
    public var peerIsTrustedProxy = false

    public init(method: String, path: String, query: String = "", version: String = "HTTP/1.1",
                headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The first value of a header (name in any case).
    public func header(_ name: String) -> String? {
        let lower = name.utf8.contains { $0 >= 0x41 && $0 <= 0x5A } ? name.lowercased() : name
        return headers.first { $0.name == lower }?.value
    }

    /// The client's address: the peer's, or behind a trusted proxy the last address that proxy
    /// put in `X-Forwarded-For` (the addresses before it are the client's own claims). For
    /// limits per client, never for anything that must be proven.
    public var client: String {
        guard peerIsTrustedProxy, let forwarded = headers.last(where: { $0.name == "x-forwarded-for" })?.value,
              let last = forwarded.split(separator: ",").last?.trimmingSpacesAndTabs(), !last.isEmpty else { return peer }
        return String(last)
    }

    /// Whether the connection stays open after this request.
    public var keepAlive: Bool {
        // Names are stored lower-cased: compared directly, this runs for every request.
        guard let connection = headers.first(where: { $0.name == "connection" })?.value else { return version == "HTTP/1.1" }
        let options = connection.lowercased().split(separator: ",").map { $0.trimmingSpacesAndTabs() }
        return version == "HTTP/1.1" ? !options.contains("close") : options.contains("keep-alive")
    }

    /// The query's parameters, decoded (`application/x-www-form-urlencoded` rules).
    public var queryItems: [(String, String)] { FormData.decode(Array(query.utf8)) }

    /// The first query parameter called `name`.
    public func queryItem(_ name: String) -> String? { queryItems.first { $0.0 == name }?.1 }
}

/// `application/x-www-form-urlencoded` (WHATWG URL standard): `+` is a space, `%XX` a byte.
public enum FormData {
    /// The pairs in order; invalid percent escapes are kept as they are, invalid UTF-8 is replaced.
    public static func decode(_ bytes: [UInt8]) -> [(String, String)] {
        var pairs: [(String, String)] = []
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x26) ?? bytes.count
            if end > start {
                let pair = bytes[start..<end]
                if let eq = pair.firstIndex(of: 0x3D) {
                    pairs.append((unescape(pair[start..<eq]), unescape(pair[(eq + 1)...])))
                } else {
                    pairs.append((unescape(pair), ""))
                }
            }
            start = end + 1
        }
        return pairs
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x37
        case 0x61...0x66: return b - 0x57
        default: return nil
        }
    }

    /// Percent-decodes; `+` becomes a space.
    public static func unescape(_ bytes: ArraySlice<UInt8>, plusIsSpace: Bool = true) -> String {
        // Most names and values hold nothing to decode: then the String is made from the bytes directly.
        guard bytes.contains(where: { $0 == 0x25 || ($0 == 0x2B && plusIsSpace) }) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == 0x25, i + 2 < bytes.endIndex, let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b == 0x2B && plusIsSpace ? 0x20 : b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The pairs as `decode` reads them back, escaping only what it would misread (`%`, `&`,
    /// `=`, `+`) and control characters; other UTF-8 is kept as it is, so kept text stays short.
    public static func encode(_ pairs: [(String, String)]) -> String {
        var out: [UInt8] = []
        func append(_ text: String) {
            for b in text.utf8 {
                if b == 0x25 || b == 0x26 || b == 0x3D || b == 0x2B || b < 0x20 || b == 0x7F {
                    out.append(0x25)
                    out.append(hexDigits[Int(b >> 4)])
                    out.append(hexDigits[Int(b & 0x0F)])
                } else {
                    out.append(b)
                }
            }
        }
        for (n, (name, value)) in pairs.enumerated() {
            if n > 0 { out.append(0x26) }
            append(name)
            out.append(0x3D)
            append(value)
        }
        return String(decoding: out, as: UTF8.self)
    }
    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}

extension Substring {
    /// Without the spaces and tabs at either end (optional whitespace, RFC 9110).
    func trimmingSpacesAndTabs() -> Substring {
        let isText: (Character) -> Bool = { $0 != " " && $0 != "\t" }
        guard let first = firstIndex(where: isText), let last = lastIndex(where: isText) else { return "" }
        return self[first...last]
    }
}
