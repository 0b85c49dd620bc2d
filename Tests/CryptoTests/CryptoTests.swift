import Foundation
import Testing
@testable import Crypto

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
func bytes(hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = hex.startIndex
    while i < hex.endIndex {
        let j = hex.index(i, offsetBy: 2)
        out.append(UInt8(hex[i..<j], radix: 16)!)
        i = j
    }
    return out
}

@Suite("SHA-256, HMAC, Standard Webhooks")
struct CryptoTests {
    @Test("FIPS 180-4 / NIST example vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func sha256(_ input: String, _ digest: String) {
        #expect(hex(SHA256.hash(Array(input.utf8))) == digest)
    }

    @Test("a million 'a' fed in uneven pieces")
    func million() {
        var sha = SHA256()
        var fed = 0
        var piece = 1
        while fed < 1_000_000 {
            let n = min(piece, 1_000_000 - fed)
            sha.update([UInt8](repeating: 0x61, count: n))
            fed += n
            piece = piece * 3 % 997 + 1
        }
        #expect(hex(sha.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("RFC 4231 HMAC-SHA256 test cases 1-4, 6, 7", arguments: [
        ("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", String(repeating: "dd", count: 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ("0102030405060708090a0b0c0d0e0f10111213141516171819", String(repeating: "cd", count: 50), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        (String(repeating: "aa", count: 131), "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (String(repeating: "aa", count: 131),
         "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ])
    func hmac(_ key: String, _ data: String, _ expected: String) {
        #expect(hex(HMAC.sha256(key: bytes(hex: key), message: bytes(hex: data))) == expected)
    }

    @Test("the Standard Webhooks reference vector verifies; a changed body, a stale time or a wrong secret do not")
    func standardWebhooks() throws {
        // From the Standard Webhooks reference libraries' tests.
        let webhook = try #require(StandardWebhooks(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let body = Array(#"{"test": 2432232314}"#.utf8)
        let now = Date(timeIntervalSince1970: 1614265330)
        #expect(webhook.sign(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1614265330, body: body) == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        let ok = webhook.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330",
                                signatures: "v1,bm9ldmVu v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body: body, now: now)
        #expect(ok == nil, "one valid signature among several suffices")
        let changed = webhook.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330",
                                     signatures: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body: body + [0x20], now: now)
        #expect(changed == .badSignature)
        let stale = webhook.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330",
                                   signatures: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body: body, now: now.addingTimeInterval(301))
        #expect(stale == .staleTimestamp)
        #expect(webhook.verify(id: nil, timestamp: "1", signatures: "v1,x", body: body, now: now) == .missingHeaders)
        #expect(StandardWebhooks(secret: "geheim") == nil)
    }
}
