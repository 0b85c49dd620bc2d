import CCurl
import Foundation
import Glibc

/// Whether an endpoint may be called, and at which address: only `https://` URLs whose host
/// resolves to public addresses, unless private ones are allowed (SSRF guard). The address
/// checked is the one connected to (pinned), so a second DNS answer cannot point elsewhere.
public struct EndpointGuard: Sendable {
    public let allowPrivate: Bool

    public init(allowPrivate: Bool) { self.allowPrivate = allowPrivate }

    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The URL's host, port and the address to connect to.
    public func check(_ url: String) throws -> (host: String, port: Int, address: String) {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), let host = parts.host, !host.isEmpty else {
            throw Refusal(description: "'\(url)' is not a URL")
        }
        guard scheme == "https" || (scheme == "http" && allowPrivate) else {
            throw Refusal(description: "only https:// endpoints are called (http:// only with MITREDEN_EVENTS_ALLOW_PRIVATE=1)")
        }
        guard parts.user == nil, parts.password == nil else { throw Refusal(description: "credentials in the URL are not sent") }
        let port = parts.port ?? (scheme == "https" ? 443 : 80)
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(bare, String(port), &hints, &list) == 0, let first = list else {
            throw Refusal(description: "the host '\(bare)' does not resolve")
        }
        defer { freeaddrinfo(list) }
        var addresses: [(String, Bool)] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let e = entry {
            if let (text, isPublic) = Self.describe(e.pointee.ai_addr) { addresses.append((text, isPublic)) }
            entry = e.pointee.ai_next
        }
        guard let chosen = addresses.first(where: { $0.1 || allowPrivate }) else {
            throw Refusal(description: "'\(bare)' resolves only to loopback, private or link-local addresses (\(addresses.map(\.0).joined(separator: ", "))); set MITREDEN_EVENTS_ALLOW_PRIVATE=1 to allow them")
        }
        return (bare, port, chosen.0)
    }

    /// The address as text and whether it is public.
    static func describe(_ address: UnsafeMutablePointer<sockaddr>?) -> (String, Bool)? {
        guard let address else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { a in
                var raw = a.pointee.sin_addr
                inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count))
                let b = withUnsafeBytes(of: raw.s_addr) { Array($0) }
                return (text(buffer), isPublic(v4: b))
            }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { a in
                var raw = a.pointee.sin6_addr
                inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
                let b = withUnsafeBytes(of: raw) { Array($0) }
                return ("[" + text(buffer) + "]", isPublic(v6: b))
            }
        default:
            return nil
        }
    }

    /// The text inet_ntop wrote into `buffer`, up to its NUL.
    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Not loopback, private (RFC 1918), shared (100.64/10), link-local, "this network",
    /// multicast, reserved or broadcast.
    static func isPublic(v4 b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168): return false
        case (172, 16...31), (100, 64...127): return false
        case (192, 0) where b[2] == 0 || b[2] == 2: return false
        case (198, 18...19): return false
        case (198, 51) where b[2] == 100: return false
        case (203, 0) where b[2] == 113: return false
        case (224...255, _): return false
        default: return true
        }
    }

    /// Not ::, ::1, unique local (fc00::/7), link-local (fe80::/10), multicast (ff00::/8),
    /// documentation (2001:db8::/32), Teredo (2001::/32, a tunnel to an address it hides) or
    /// discard-only (100::/64); an address that carries an IPv4 address is judged by that one
    /// (`embeddedV4`), and the rest of 64:ff9b::/32, reserved for translators, is refused.
    static func isPublic(v6 b: [UInt8]) -> Bool {
        if let v4 = embeddedV4(b) { return isPublic(v4: v4) }
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B { return false }
        if b[0] & 0xFE == 0xFC { return false }
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return false }
        if b[0] == 0xFF { return false }
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return false }
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00 { return false }
        if b[0] == 0x01 && b[1..<8].allSatisfy({ $0 == 0 }) { return false }
        return true
    }

    /// The IPv4 address inside an IPv6 address that leads to it: IPv4-mapped (::ffff:a.b.c.d),
    /// IPv4-compatible (::a.b.c.d, also :: and ::1, which carry 0.0.0.0 and 0.0.0.1),
    /// IPv4-translated (::ffff:0:a.b.c.d, RFC 2765), 6to4 (2002:AABB:CCDD::/48, RFC 3056) and
    /// NAT64 (64:ff9b::a.b.c.d, and 64:ff9b:1::/48 in RFC 6052's /48 layout, RFC 8215). An
    /// address in 64:ff9b:1::/48 in another layout has no place to find it: nil, and refused.
    static func embeddedV4(_ b: [UInt8]) -> [UInt8]? {
        func zeros(_ range: Range<Int>) -> Bool { b[range].allSatisfy { $0 == 0 } }
        if zeros(0..<10) && b[10] == 0xFF && b[11] == 0xFF { return Array(b[12..<16]) }
        if zeros(0..<12) { return Array(b[12..<16]) }
        if zeros(0..<8) && b[8] == 0xFF && b[9] == 0xFF && zeros(10..<12) { return Array(b[12..<16]) }
        if b[0] == 0x20 && b[1] == 0x02 { return Array(b[2..<6]) }
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B {
            if zeros(4..<12) { return Array(b[12..<16]) }
            // /48: the prefix, 16 bits of the address, the zero "u" octet, its other 16 bits, a zero suffix.
            if b[4] == 0x00 && b[5] == 0x01 && b[8] == 0 && zeros(11..<16) { return [b[6], b[7], b[9], b[10]] }
        }
        return nil
    }
}

/// The `CURLOPT_CONNECT_TO` entry that sends every connection to the address checked, whatever host
/// and port libcurl reads from the URL: `::ADDRESS:PORT` (any host, any port; an IPv6 address in
/// brackets). A `CURLOPT_RESOLVE` entry pinned only a host name libcurl would resolve, and
/// libcurl takes no IPv6 address as its host ("Malformed option").
func connectEntry(address: String, port: Int) -> String {
    "::\(address):\(port)"
}

/// One HTTP POST through libcurl to a checked address, the only one it connects to: no
/// redirects, short timeouts, the answer's body read up to 64 KiB and dropped. Used by one thread
/// at a time.
final class EventPost: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    fileprivate var received = 0

    static let library: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    init() {
        Self.library
        handle = curl_easy_init()
    }

    deinit { curl_easy_cleanup(handle) }

    /// The status code, or the transport's error.
    func post(_ url: String, pinned: (host: String, port: Int, address: String), headers: [(String, String)], body: [UInt8],
              timeout: Int) -> Result<Int, EndpointGuard.Refusal> {
        let h = handle
        curl_easy_reset(h)
        received = 0
        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in headers { list = curl_slist_append(list, "\(name): \(value)") }
        list = curl_slist_append(list, "Expect:")
        let connectTo = curl_slist_append(nil, connectEntry(address: pinned.address, port: pinned.port))
        defer {
            curl_slist_free_all(list)
            curl_slist_free_all(connectTo)
        }
        mitreden_curl_setopt_string(h, CURLOPT_URL, url)
        mitreden_curl_setopt_slist(h, CURLOPT_CONNECT_TO, connectTo)
        mitreden_curl_setopt_slist(h, CURLOPT_HTTPHEADER, list)
        mitreden_curl_setopt_long(h, CURLOPT_POST, 1)
        mitreden_curl_setopt_long(h, CURLOPT_POSTFIELDSIZE, body.count)
        mitreden_curl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)
        mitreden_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        mitreden_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, min(timeout, 5000))
        mitreden_curl_setopt_long(h, CURLOPT_TIMEOUT_MS, timeout)
        mitreden_curl_setopt_string(h, CURLOPT_USERAGENT, "Mitreden-Webhooks/1")
        mitreden_curl_setopt_write(h, CURLOPT_WRITEFUNCTION, discardBody)
        mitreden_curl_setopt_pointer(h, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque())
        let result: CURLcode = body.withUnsafeBytes { bytes in
            mitreden_curl_setopt_pointer(h, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            return curl_easy_perform(h)
        }
        guard result == CURLE_OK else { return .failure(EndpointGuard.Refusal(description: String(cString: curl_easy_strerror(result)))) }
        var code = 0
        mitreden_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &code)
        return .success(code)
    }
}

private func discardBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let post = Unmanaged<EventPost>.fromOpaque(context).takeUnretainedValue()
    post.received += size * count
    return post.received > 65536 ? 0 : size * count
}
