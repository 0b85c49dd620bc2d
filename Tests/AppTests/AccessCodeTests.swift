import Foundation
import Glibc
import Testing

@Suite("Access codes end to end (the real binary, curl)", .serialized)
struct AccessCodeFlowTests {
    func codes(_ dir: String) throws -> [String] {
        try run(["sqlite3", dir + "/data/mitreden.sqlite", "SELECT code FROM participants WHERE code IS NOT NULL ORDER BY id"]).output.split(separator: "\n").map(String.init)
    }

    @Test("codes creates participants with the batch's attributes; a code typed or scanned leads to the form; typos 422, unknown 404, 429 after 20 unknown")
    func flow() throws {
        let dir = try Binary.workspace()
        let created = try Binary.run(["codes", "jugendcheck-2027", "--count", "5", "--set", "kommune=Herzberg", "--set", "altersgruppe=12-14"], in: dir)
        #expect(created.status == 0 && created.stdout.hasPrefix("created 5 access codes for jugendcheck-2027 (kommune=Herzberg, altersgruppe=12-14)"), "\(created.stdout)\(created.stderr)")
        let all = try codes(dir)
        #expect(all.count == 5)
        let batch = try run(["sqlite3", dir + "/data/mitreden.sqlite", "SELECT count(*) FROM participants WHERE email IS NULL AND street IS NULL AND token IS NOT NULL AND json_extract(attributes, '$.kommune') = 'Herzberg' AND json_extract(attributes, '$.altersgruppe') = '12-14'"]).output
        #expect(batch == "5\n", "\(batch)")

        let (serve, port) = try startServe(in: dir)
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        let form = try curl([base + "/c"])
        #expect(form.status == 200 && form.body.contains("name=\"code\"") && form.body.contains("<label for=\"code\">Zugangscode</label>"))
        let code = all[0]
        let typed = code.prefix(4).lowercased() + " - " + code.dropFirst(4).prefix(4) + "-" + code.suffix(4)
        let post = try curl(["-D", "-", "-o", "/dev/null", "--data-urlencode", "code=\(typed)", base + "/c"])
        #expect(post.body.contains("303") && post.body.contains("Location: /t/"), "\(post.body)")
        let token = try run(["sqlite3", dir + "/data/mitreden.sqlite", "SELECT token FROM participants WHERE code = '\(code)'"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(post.body.contains("Location: /t/\(token)"))
        let scanned = try curl(["-D", "-", "-o", "/dev/null", base + "/c/" + code])
        #expect(scanned.body.contains("Location: /t/\(token)"), "\(scanned.body)")
        let personal = try curl(["-L", base + "/c/" + code])
        #expect(personal.status == 200 && personal.body.contains("<form method=\"post\" action=\"/t/\(token)"), "the form of that person")

        var typo = Array(code)
        typo[3] = typo[3] == "A" ? "B" : "A"
        let typoAnswer = try curl(["--data-urlencode", "code=\(String(typo))", base + "/c?lang=en"])
        #expect(typoAnswer.status == 422 && typoAnswer.body.contains("This code has a typo"), "\(typoAnswer.body)")
        #expect(typoAnswer.body.contains("aria-invalid=\"true\"") && typoAnswer.body.contains("value=\"\(String(typo))\""))

        // Well-formed codes nobody holds: each is a guess. The 21st within ten minutes is refused.
        var unknown: [String] = []
        while unknown.count < 21 {
            let candidate = codeWithCheck(String((0..<11).map { _ in "23456789ABCDEFGHJKLMNPQRSTUVWXYZ".randomElement()! }))
            if !all.contains(candidate) { unknown.append(candidate) }
        }
        for candidate in unknown.prefix(20) {
            let answer = try curl([base + "/c/" + candidate])
            #expect(answer.status == 404 && answer.body.contains("Diesen Code gibt es nicht"))
        }
        let limited = try curl(["-D", "-", base + "/c/" + unknown[20]])
        #expect(limited.status == 429 && limited.body.contains("Retry-After: "), "\(limited.body)")
        let stillLimited = try curl([base + "/c/" + code])
        #expect(stillLimited.status == 429, "while limited, even a right code waits")
    }

    @Test("codes refuses what it cannot do, saying what to do instead", arguments: [
        (["codes", "jugendcheck-2027", "--count", "5", "--set", "kommune=Herzberg"], "give --set altersgruppe=… too"),
        (["codes", "jugendcheck-2027", "--count", "5", "--set", "schule=A", "--set", "kommune=H", "--set", "altersgruppe=x"], "has no attribute 'schule'"),
        (["codes", "jugendcheck-2027", "--count", "0", "--set", "kommune=H", "--set", "altersgruppe=x"], "from 1 to 100,000"),
        (["codes", "familienfreundlichkeit-herzberg", "--count", "5"], "mitreden poster familienfreundlichkeit-herzberg"),
    ])
    func refusals(_ arguments: [String], _ message: String) throws {
        let dir = try Binary.workspace()
        let result = try Binary.run(arguments, in: dir)
        #expect(result.status == 1 && result.stderr.contains(message), "\(result.stderr)")
    }

    /// The Luhn mod 32 check character, computed independently of the product's code.
    func codeWithCheck(_ body: String) -> String {
        let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
        var factor = 2, sum = 0
        for c in body.reversed() {
            let addend = factor * alphabet.firstIndex(of: c)!
            sum += addend / 32 + addend % 32
            factor = 3 - factor
        }
        return body + String(alphabet[(32 - sum % 32) % 32])
    }
}
