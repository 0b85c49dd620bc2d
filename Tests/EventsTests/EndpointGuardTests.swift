import Foundation
import Testing
@testable import Events

@Suite("Event webhooks: the SSRF guard and the retry schedule")
struct EndpointGuardTests {
    @Test("loopback, private, link-local, shared, multicast and documentation addresses are refused; public ones pass",
          arguments: [("127.0.0.1", false), ("10.1.2.3", false), ("172.20.0.1", false), ("192.168.178.1", false), ("169.254.169.254", false),
                      ("100.64.0.1", false), ("0.0.0.0", false), ("224.0.0.1", false), ("198.51.100.7", false),
                      ("93.184.216.34", true), ("172.32.0.1", true), ("8.8.8.8", true)])
    func v4(address: String, isPublic: Bool) {
        let bytes = address.split(separator: ".").map { UInt8($0)! }
        #expect(EndpointGuard.isPublic(v4: bytes) == isPublic)
    }

    @Test("IPv6: ::1, ::, fc00::/7, fe80::/10, ff00::/8, 2001:db8::/32 and mapped private IPv4 refused")
    func v6() {
        func bytes(_ text: String) -> [UInt8] {
            var raw = in6_addr()
            inet_pton(AF_INET6, text, &raw)
            return withUnsafeBytes(of: raw) { Array($0) }
        }
        for refused in ["::1", "::", "fd00::1", "fe80::1", "ff02::1", "2001:db8::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"] {
            #expect(!EndpointGuard.isPublic(v6: bytes(refused)), "\(refused)")
        }
        #expect(EndpointGuard.isPublic(v6: bytes("2a00:1450:4001:82b::200e")))
    }

    @Test("an IPv6 address that carries an IPv4 address is judged by that one: mapped, compatible, translated, 6to4, NAT64", arguments: [
        ("::127.0.0.1", false), ("::10.1.2.3", false), ("::192.168.1.1", false), ("::ffff:0:127.0.0.1", false), ("::ffff:0:10.0.0.1", false),
        ("2002:7f00:1::1", false), ("2002:c0a8:101::", false), ("2002:a9fe:a9fe::1", false),
        ("64:ff9b::127.0.0.1", false), ("64:ff9b::10.0.0.1", false), ("64:ff9b::169.254.169.254", false),
        ("64:ff9b:1:7f00:0:100::", false), ("64:ff9b:1:a00:0:100::", false), ("64:ff9b:1::a00:1", false), ("64:ff9b:1:808:8:800:0:1", false),
        ("64:ff9b:2::808:808", false), ("2001:0:4136:e378:8000:63bf:f5ff:fffe", false), ("100::1", false),
        ("::8.8.8.8", true), ("::ffff:0:8.8.8.8", true), ("2002:808:808::1", true), ("64:ff9b::8.8.8.8", true), ("64:ff9b:1:808:8:800::", true),
    ])
    func embeddedV4(address: String, isPublic: Bool) {
        var raw = in6_addr()
        #expect(inet_pton(AF_INET6, address, &raw) == 1)
        #expect(EndpointGuard.isPublic(v6: withUnsafeBytes(of: raw) { Array($0) }) == isPublic, "\(address)")
    }

    @Test("every connection goes to the address checked; an IPv6 one is written in brackets")
    func connectEntries() throws {
        let strict = EndpointGuard(allowPrivate: false)
        let open = EndpointGuard(allowPrivate: true)
        #expect(throws: EndpointGuard.Refusal.self) { try strict.check("https://[::127.0.0.1]/hook") }
        #expect(throws: EndpointGuard.Refusal.self) { try strict.check("HTTPS://[2002:a00:1::]:8443/hook") }
        let v6 = try open.check("HTTP://[::1]:9000/hook")
        #expect(v6.address == "[::1]" && v6.port == 9000)
        #expect(connectEntry(address: v6.address, port: v6.port) == "::[::1]:9000")
        #expect(connectEntry(address: "93.184.216.34", port: 443) == "::93.184.216.34:443")
    }

    @Test("only https, no credentials in the URL, and names that resolve to loopback are refused unless allowed")
    func urls() throws {
        let strict = EndpointGuard(allowPrivate: false)
        #expect(throws: EndpointGuard.Refusal.self) { try strict.check("http://portal.example.de/hook") }
        #expect(throws: EndpointGuard.Refusal.self) { try strict.check("https://localhost:8443/hook") }
        #expect(throws: EndpointGuard.Refusal.self) { try strict.check("https://127.0.0.1/hook") }
        #expect(throws: EndpointGuard.Refusal.self) { try strict.check("https://[::1]/hook") }
        #expect(throws: EndpointGuard.Refusal.self) { try strict.check("https://user:pw@93.184.216.34/hook") }
        #expect(throws: EndpointGuard.Refusal.self) { try strict.check("ftp://93.184.216.34/hook") }
        let pinned = try strict.check("https://93.184.216.34:8443/hook")
        #expect(pinned.address == "93.184.216.34" && pinned.port == 8443)
        let open = EndpointGuard(allowPrivate: true)
        #expect(try open.check("http://127.0.0.1:9000/hook").address == "127.0.0.1")
    }

    @Test("retries after about 1 s, 5 s, 30 s, 2 min, 10 min, then hourly, for 24 hours")
    func schedule() {
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        let delays = (1...6).map { EventDispatcher.retryAt(attempts: $0, created: created, now: created)!.timeIntervalSince(created) }
        #expect(delays == [1, 5, 30, 120, 600, 3600])
        #expect(EventDispatcher.retryAt(attempts: 20, created: created, now: created.addingTimeInterval(23.5 * 3600)) == nil)
        #expect(EventDispatcher.retryAt(attempts: 20, created: created, now: created.addingTimeInterval(22 * 3600)) != nil)
    }
}
