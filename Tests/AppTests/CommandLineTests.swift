import Foundation
import Testing
@testable import App

@Suite("mitreden command line (the real binary)")
struct CommandLineTests {
    @Test("check passes on the shipped surveys and templates")
    func checkShipped() throws {
        let dir = try Binary.workspace()
        let result = try Binary.run(["check"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("ok surveys/jugendcheck-2027.yml: jugendcheck-2027, 9 questions"))
        #expect(result.stdout.hasSuffix("5 surveys checked, all valid\n"))
    }

    @Test("check prints file:line:column errors to stderr and exits 1")
    func checkErrors() throws {
        let dir = try Binary.workspace()
        let broken = try String(contentsOfFile: dir + "/surveys/jugendcheck-2027.yml", encoding: .utf8)
            .replacingOccurrences(of: "type: single", with: "type: singel")
        try broken.write(toFile: dir + "/surveys/jugendcheck-2027.yml", atomically: true, encoding: .utf8)
        let result = try Binary.run(["check"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("surveys/jugendcheck-2027.yml:56:11: error: unknown question type 'singel' (expected one of: single, multi, scale, matrix, yesno, number, text, ranking)"))
        #expect(result.stdout.contains("ok surveys/fachkraeftebedarf-2027.yml"), "the other files are still checked")
    }

    @Test("check finds an unknown placeholder in a template the survey names")
    func checkTemplates() throws {
        let dir = try Binary.workspace()
        try "Subject: Hallo\n{{link}} {{attributes.schule}}\n".write(toFile: dir + "/templates/invitation.en.txt", atomically: true, encoding: .utf8)
        let result = try Binary.run(["check", "surveys/jugendcheck-2027.yml"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("templates/invitation.en.txt:2:10: error: unknown placeholder {{attributes.schule}}"), "\(result.stderr)")
    }

    @Test("check --print writes the survey as understood, as JSON")
    func checkPrint() throws {
        let dir = try Binary.workspace()
        let file = dir + "/surveys/jugendcheck-2027.yml"
        try Binary.withDates(try String(contentsOfFile: file, encoding: .utf8), closes: "2027-02-28T23:59").write(toFile: file, atomically: true, encoding: .utf8)
        let result = try Binary.run(["check", "--print", "surveys/jugendcheck-2027.yml"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(json?["id"] as? String == "jugendcheck-2027")
        #expect(json?["closes"] as? String == "2027-02-28T23:59:00+01:00")
        let questions = json?["questions"] as? [[String: Any]] ?? []
        #expect(questions.map { $0["type"] as? String ?? "" } == ["single", "multi", "scale", "text", "matrix", "yesno", "number", "text", "ranking"])
        let matrix = questions[4]["options"] as? [[String: Any]]
        #expect(matrix?.count == 5, "the named choices list is resolved")
        #expect((questions[1]["options"] as? [[String: Any]])?.last?["code"] as? String == "other")
    }

    @Test("help, -h and --help print the same page for a command")
    func helpIsTheSame() throws {
        let dir = try Binary.workspace()
        for command in [["check"], ["participants", "import"], ["serve"], ["participants", "list"]] {
            let pages = try [["help"] + command, command + ["-h"], command + ["--help"]].map { try Binary.run($0, in: dir) }
            #expect(pages.allSatisfy { $0.status == 0 })
            #expect(Set(pages.map(\.stdout)).count == 1)
            #expect(pages[0].stdout.contains("Examples:") && pages[0].stdout.contains("MITREDEN_DATA"))
        }
        let overview = try Binary.run(["help"], in: dir)
        #expect(overview.status == 0 && overview.stdout.contains("participants import"))
    }

    @Test("usage errors exit 2 and say what was expected", arguments: [
        (["frobnicate"], "unknown command 'frobnicate'"),
        (["participants"], "'participants' needs one of: import, list"),
        (["participants", "import", "jugendcheck-2027"], "participants import takes SURVEY FILE, found 1 argument"),
        (["check", "--prnt"], "unknown option '--prnt' for check (options: --print)"),
        (["check", "--data"], "--data needs a value"),
        ([], "Usage: mitreden"),
    ])
    func usageErrors(_ arguments: [String], _ message: String) throws {
        let result = try Binary.run(arguments, in: try Binary.workspace())
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("a bad environment value is an input error naming the variable")
    func badEnvironment() throws {
        let result = try Binary.run(["check"], in: try Binary.workspace(), environment: ["MITREDEN_SMTP_URL": "smtp://relay:25"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("MITREDEN_SMTP_FROM is required with MITREDEN_SMTP_URL"))
    }
}

@Suite("Counts in messages")
struct CountedTests {
    @Test("one is singular, every other number plural", arguments: [
        (1, "participant", nil, "1 participant"), (2, "participant", nil, "2 participants"), (0, "survey", nil, "0 surveys"),
        (1, "copy", "copies", "1 copy"), (3, "copy", "copies", "3 copies"),
    ] as [(Int, String, String?, String)])
    func counts(_ n: Int, _ singular: String, _ plural: String?, _ expected: String) {
        #expect(counted(n, singular, plural) == expected)
    }
}

@Suite("Configuration")
struct ConfigurationTests {
    @Test("defaults are SPEC.md's; options win over the environment")
    func precedence() throws {
        let defaults = try Configuration.parse(options: [:], environment: [:])
        #expect(defaults.databasePath == "data/mitreden.sqlite")
        #expect(defaults.listenPort == 8080 && defaults.smtpConnections == 4 && defaults.smtpRate == 20 && defaults.smtpTLS == "require")
        let c = try Configuration.parse(options: ["--data": "/srv/a"], environment: ["MITREDEN_DATA": "/srv/b", "MITREDEN_LISTEN": "[::1]:9000"])
        #expect(c.dataDirectory == "/srv/a")
        #expect(c.listenHost == "::1" && c.listenPort == 9000)
    }

    @Test("trusted proxies: loopback by default, a list, or none when empty")
    func trustedProxies() throws {
        #expect(try Configuration.parse(options: [:], environment: [:]).trustedProxies == ["127.0.0.1"])
        #expect(try Configuration.parse(options: [:], environment: ["MITREDEN_TRUSTED_PROXIES": "10.0.0.5, 10.0.0.6"]).trustedProxies == ["10.0.0.5", "10.0.0.6"])
        #expect(try Configuration.parse(options: [:], environment: ["MITREDEN_TRUSTED_PROXIES": ""]).trustedProxies.isEmpty)
    }

    @Test("invalid values are refused with what they should be", arguments: [
        (["MITREDEN_LISTEN": "localhost"], "must be HOST:PORT"),
        (["MITREDEN_LISTEN": "127.0.0.1:+80"], "must be HOST:PORT"),
        (["MITREDEN_SMTP_URL": "mail.lkee.de"], "must start with smtp://"),
        (["MITREDEN_SMTP_TLS": "yes"], "require, try or none"),
        (["MITREDEN_SMTP_CONNECTIONS": "0"], "from 1 to 64"),
        (["MITREDEN_WEBHOOK_SECRET": "geheim"], "'whsec_'"),
        (["MITREDEN_ADMIN_TOKEN": "short"], "too short"),
        (["MITREDEN_BASE_URL": "umfrage.lkee.de"], "not an http(s) address"),
        (["MITREDEN_TRUSTED_PROXIES": "proxy.lkee.de"], "IPv4 address of a reverse proxy"),
    ])
    func invalid(_ environment: [String: String], _ message: String) {
        #expect { try Configuration.parse(options: [:], environment: environment) } throws: { "\($0)".contains(message) }
    }
}

@Suite("README")
struct ReadmeTests {
    @Test("the survey example in the README passes check")
    func example() throws {
        let readme = try String(contentsOf: Binary.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "```yaml\n"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let dir = try Binary.workspace()
        try String(readme[start.upperBound..<end.lowerBound]).write(toFile: dir + "/readme.yml", atomically: true, encoding: .utf8)
        let result = try Binary.run(["check", "readme.yml"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
    }
}
