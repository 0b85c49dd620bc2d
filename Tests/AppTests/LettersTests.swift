import Foundation
import Glibc
import Testing

/// A print document as a reader gets it: printed to PDF by headless Chromium, read back with
/// poppler (pdfinfo, pdftotext, pdftoppm) and ZBar (zbarimg).
struct PrintedPDF {
    let path: String

    /// Prints `html` (a file) to PDF as `chromium --headless --print-to-pdf` does.
    init(printing html: String) throws {
        for tool in ["chromium", "pdfinfo", "pdftotext", "pdftoppm", "zbarimg"] where try run(["sh", "-c", "command -v \(tool)"]).status != 0 {
            throw PrintToolMissing(tool: tool)
        }
        path = html + ".pdf"
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let chromium = try run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                                "--user-data-dir=\(profile)", "--print-to-pdf=\(path)", "file://\(html)"])
        guard FileManager.default.fileExists(atPath: path) else { throw PrintToolMissing(tool: "chromium (\(chromium.output))") }
    }

    var pages: Int {
        get throws {
            let info = try printToolOutput(["pdfinfo", path])
            let line = info.split(separator: "\n").first { $0.hasPrefix("Pages:") } ?? ""
            return Int(line.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
    }

    /// The text of page `n` (from 1).
    func text(page n: Int) throws -> String {
        try printToolOutput(["pdftotext", "-f", "\(n)", "-l", "\(n)", "-layout", path, "-"])
    }

    /// What ZBar reads from page `n` rendered at 150 dpi: one line per QR code.
    func qrCodes(page n: Int) throws -> [String] {
        let png = path + "-\(n)"
        _ = try run(["pdftoppm", "-r", "150", "-png", "-singlefile", "-f", "\(n)", "-l", "\(n)", path, png])
        return try printToolOutput(["zbarimg", "--raw", "-q", png + ".png"]).split(separator: "\n").map(String.init)
    }

    /// Page `n` as a PNG at `dpi`, for a person to look at.
    func png(page n: Int, dpi: Int, to file: String) throws {
        _ = try run(["pdftoppm", "-r", "\(dpi)", "-png", "-singlefile", "-f", "\(n)", "-l", "\(n)", path, String(file.dropLast(4))])
    }
}

/// What a program writes to standard output (ZBar writes D-Bus complaints to standard error).
func printToolOutput(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

struct PrintToolMissing: Error, CustomStringConvertible {
    let tool: String
    var description: String { "\(tool) is not installed or failed; run scripts/setup --test" }
}

/// Where a person can look at the printed pages (gitignored).
let printArtifacts = Binary.repository.appendingPathComponent("artifacts/print").path

@Suite("Letters, code cards and posters printed by Chromium (the real binary, poppler, ZBar)", .serialized)
struct LettersTests {
    let db = "/data/mitreden.sqlite"

    /// Codes for `count` people of the youth survey, in id order.
    func codes(_ dir: String, count: Int) throws -> [String] {
        let made = try Binary.run(["codes", "jugendcheck-2027", "--count", "\(count)", "--set", "kommune=Herzberg", "--set", "altersgruppe=12-14"], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        return try run(["sqlite3", dir + db, "SELECT code FROM participants ORDER BY id"]).output.split(separator: "\n").map(String.init)
    }

    static func formatted(_ code: String) -> String {
        let c = Array(code)
        return String(c[0..<4]) + "-" + String(c[4..<8]) + "-" + String(c[8..<12])
    }

    @Test("letters: one page each, the person's name and code on their own page, and the QR code there leads to their code")
    func letters() throws {
        let dir = try Binary.workspace()
        let all = try codes(dir, count: 5)
        let long = "Maximiliane Friederike von und zu Hohenzollern-Sigmaringen-Oberlausitz " + String(repeating: "Langname ", count: 20)
        let people: [(name: String?, street: String?, city: String?, language: String?)] = [
            ("Anna Schulz", "Am Markt 1", "Herzberg (Elster)", nil),
            ("Jürgen <&> Müller", "Lindenstraße 12 & 14", "Bad Liebenwerda", nil),
            (long, String(repeating: "Hauptstraße ", count: 20) + "3", "Finsterwalde", nil),
            ("Sam Taylor", "Bahnhofstraße 5", "Elsterwerda", "en"),
            (nil, nil, nil, nil),   // a code card's participant: no address
        ]
        for (code, person) in zip(all, people) where person.name != nil {
            let name = person.name!.replacingOccurrences(of: "'", with: "''")
            _ = try run(["sqlite3", dir + db, "UPDATE participants SET name = '\(name)', street = '\(person.street!)', postcode = '04916', city = '\(person.city!)', language = \(person.language.map { "'\($0)'" } ?? "NULL") WHERE code = '\(code)'"])
        }
        let base = "https://umfrage.lkee.example"
        let written = try Binary.run(["letters", "jugendcheck-2027"], in: dir, environment: ["MITREDEN_BASE_URL": base])
        #expect(written.status == 0 && written.stdout.hasPrefix("wrote 5 letters on 5 pages to jugendcheck-2027-letters.html"), "\(written.stdout)\(written.stderr)")
        let pdf = try PrintedPDF(printing: dir + "/jugendcheck-2027-letters.html")
        #expect(try pdf.pages == 5)
        for (n, (code, person)) in zip(all, people).enumerated() {
            let text = try pdf.text(page: n + 1)
            #expect(text.contains(Self.formatted(code)), "page \(n + 1) shows its code")
            for other in all where other != code { #expect(!text.contains(Self.formatted(other)), "page \(n + 1) shows no other code") }
            if let name = person.name { #expect(text.contains(String(name.prefix(40))), "page \(n + 1): \(text)") }
            #expect(try pdf.qrCodes(page: n + 1) == [base + "/c/" + code], "page \(n + 1)'s QR code is this person's link")
        }
        #expect(try pdf.text(page: 1).contains("Guten Tag Anna Schulz,") && pdf.text(page: 1).contains("Ihre Meinung ist gefragt"))
        #expect(try pdf.text(page: 4).contains("Dear Sam Taylor,") && pdf.text(page: 4).contains("How to take part"), "in the person's language")
        #expect(try pdf.text(page: 5).contains("Guten Tag,"), "no name: a greeting without one")
        try FileManager.default.createDirectory(atPath: printArtifacts, withIntermediateDirectories: true)
        try pdf.png(page: 1, dpi: 100, to: printArtifacts + "/letter-page.png")

        let status = try Binary.run(["status", "jugendcheck-2027"], in: dir).stdout
        #expect(status.contains("  letters printed 5") && status.contains("  invited         0"), "\(status)")
        let again = try Binary.run(["letters", "jugendcheck-2027"], in: dir)
        #expect(again.status == 0 && again.stdout.contains("nothing to print") && again.stdout.contains("--all"), "\(again.stdout)")
        let reprint = try Binary.run(["letters", "jugendcheck-2027", "--all"], in: dir)
        #expect(reprint.stdout.hasPrefix("wrote 5 letters on 5 pages to jugendcheck-2027-letters-2.html"), "never over the first: \(reprint.stdout)")
        let printedAt = try run(["sqlite3", dir + db, "SELECT count(DISTINCT printed_at), count(*) FROM participants WHERE printed_at IS NOT NULL"]).output
        #expect(printedAt == "1|5\n", "a reprint keeps the first print's time: \(printedAt)")
    }

    @Test("a letter text too long for a page is cut on that page, which says so; every letter stays one page")
    func tooLong() throws {
        let dir = try Binary.workspace()
        _ = try codes(dir, count: 2)
        let paragraph = "Der Landkreis Elbe-Elster möchte wissen, was Ihnen vor Ort wichtig ist und wo Angebote fehlen.\n\n"
        try ("Subject: Zu lang\nSender: Landkreis Elbe-Elster · Bildungsbüro\nGuten Tag,\n\n" + String(repeating: paragraph, count: 40) + "ENDE DES TEXTES\n")
            .write(toFile: dir + "/templates/letter.txt", atomically: true, encoding: .utf8)
        let written = try Binary.run(["letters", "jugendcheck-2027", "--output", "lang.html"], in: dir)
        #expect(written.status == 0 && written.stderr.contains("warning: the text of 2 letters is too long for one page"), "\(written.stderr)")
        let pdf = try PrintedPDF(printing: dir + "/lang.html")
        #expect(try pdf.pages == 2)
        let text = try pdf.text(page: 1)
        #expect(text.contains("[Text gekürzt") && !text.contains("ENDE DES TEXTES") && text.contains("So geht es zur Umfrage"), "\(text)")
        #expect(try pdf.qrCodes(page: 2).count == 1, "the QR code stays readable below the cut text")
    }

    @Test("codes → cards (8 a page) → the QR code read from the printed card → the person's form → an answer → status")
    func cardsToAnswer() throws {
        let dir = try Binary.workspace()
        let admin = "letters-test-admin-token-0123456789abcdef"
        let (serve, port) = try startServe(in: dir, environment: ["MITREDEN_ADMIN_TOKEN": admin])
        defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        let all = try codes(dir, count: 19)
        let written = try Binary.run(["letters", "jugendcheck-2027", "--layout", "cards", "--output", "klasse-7a.html"], in: dir, environment: ["MITREDEN_BASE_URL": base])
        #expect(written.stdout.hasPrefix("wrote 19 code cards on 3 pages to klasse-7a.html"), "\(written.stdout)\(written.stderr)")
        let pdf = try PrintedPDF(printing: dir + "/klasse-7a.html")
        #expect(try pdf.pages == 3)
        for page in 1...3 {
            let mine = Array(all[((page - 1) * 8)..<min(page * 8, 19)])
            let text = try pdf.text(page: page)
            for code in mine { #expect(text.contains(Self.formatted(code)), "page \(page) has the card of \(code)") }
            #expect(text.contains("Jugendcheck Elbe-Elster 2027") && text.contains(base + "/c"))
            #expect(try pdf.qrCodes(page: page).sorted() == mine.map { base + "/c/" + $0 }.sorted(), "every card's QR code on page \(page) is read")
        }
        try FileManager.default.createDirectory(atPath: printArtifacts, withIntermediateDirectories: true)
        try pdf.png(page: 1, dpi: 100, to: printArtifacts + "/cards-page.png")

        let scanned = try pdf.qrCodes(page: 1).first { $0.hasSuffix(all[0]) }!
        let redirect = try curl(["-D", "-", "-o", "/dev/null", scanned])
        let token = try run(["sqlite3", dir + db, "SELECT token FROM participants WHERE code = '\(all[0])'"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(redirect.body.hasPrefix("HTTP/1.1 303") && redirect.body.contains("Location: /t/\(token)"), "\(redirect.body)")
        let answer = try curl(["-D", "-", "-o", "/dev/null", "-d", "alter=12-14&engagiert=yes", base + "/t/" + token])
        #expect(answer.body.hasPrefix("HTTP/1.1 303"), "\(answer.body)")
        let status = try Binary.run(["status", "jugendcheck-2027"], in: dir).stdout
        #expect(status.contains("  letters printed 19") && status.contains("  answered        1") && status.contains("5.3 %"), "\(status)")
        let json = try curl(["-H", "Authorization: Bearer \(admin)", base + "/api/surveys/jugendcheck-2027/status"])
        #expect(json.status == 200 && json.body.contains("\"invited_by_letter\":19") && json.body.contains("\"answered\":1"), "\(json.body)")
        // The results count them as invited too: the response rate is of everyone reached.
        let results = try Binary.run(["results", "jugendcheck-2027", "--format", "json"], in: dir).stdout
        #expect(results.contains("\"invited\": 19") || results.contains("\"invited\":19"), "\(results.prefix(300))")
    }

    @Test("poster: one page whose QR code is the open survey's link; an invite survey points to letters")
    func poster() throws {
        let dir = try Binary.workspace()
        let base = "https://umfrage.lkee.example"
        let written = try Binary.run(["poster", "familienfreundlichkeit-herzberg", "--output", "aushang.html"], in: dir, environment: ["MITREDEN_BASE_URL": base])
        #expect(written.status == 0, "\(written.stderr)")
        let pdf = try PrintedPDF(printing: dir + "/aushang.html")
        #expect(try pdf.pages == 1)
        #expect(try pdf.qrCodes(page: 1) == [base + "/s/familienfreundlichkeit-herzberg"])
        let text = try pdf.text(page: 1)
        #expect(text.contains("Wie familienfreundlich ist") && text.contains("Herzberg (Elster)?") && text.contains(base + "/s/familienfreundlichkeit-herzberg"))
        try FileManager.default.createDirectory(atPath: printArtifacts, withIntermediateDirectories: true)
        try pdf.png(page: 1, dpi: 60, to: printArtifacts + "/poster.png")

        let invite = try Binary.run(["poster", "jugendcheck-2027"], in: dir)
        #expect(invite.status == 1 && invite.stderr.contains("mitreden letters jugendcheck-2027"), "\(invite.stderr)")
        let open = try Binary.run(["letters", "familienfreundlichkeit-herzberg"], in: dir)
        #expect(open.status == 1 && open.stderr.contains("mitreden poster familienfreundlichkeit-herzberg"), "\(open.stderr)")
    }

    @Test("letters without templates/letter.txt is an input error that says to write it; check finds a wrong placeholder with file:line:column")
    func templates() throws {
        let dir = try Binary.workspace()
        _ = try codes(dir, count: 1)
        try FileManager.default.removeItem(atPath: dir + "/templates/letter.txt")
        let missing = try Binary.run(["letters", "jugendcheck-2027"], in: dir)
        #expect(missing.status == 1 && missing.stderr.contains("write templates/letter.txt"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/jugendcheck-2027-letters.html"))
        #expect(try run(["sqlite3", dir + db, "SELECT count(*) FROM participants WHERE printed_at IS NOT NULL"]).output == "0\n", "nothing marked printed")
        try "Subject: Hallo\nGuten Tag {{nmae}},\n".write(toFile: dir + "/templates/letter.txt", atomically: true, encoding: .utf8)
        let check = try Binary.run(["check"], in: dir)
        #expect(check.status == 1 && check.stderr.contains("templates/letter.txt:2:11: error: unknown placeholder {{nmae}} (did you mean {{name}}?"), "\(check.stderr)")
    }

    @Test("qr writes an SVG that ZBar reads back, at each error correction level")
    func qr() throws {
        let dir = try Binary.workspace()
        for level in ["L", "M", "Q", "H"] {
            let text = "https://umfrage.lkee.example/s/familienfreundlichkeit-herzberg?lang=en&level=\(level)"
            let written = try Binary.run(["qr", text, "--level", level, "--output", "code-\(level).svg"], in: dir)
            #expect(written.status == 0 && written.stdout.contains("level \(level)"), "\(written.stderr)")
            _ = try run(["rsvg-convert", "-w", "400", "-o", dir + "/code-\(level).png", dir + "/code-\(level).svg"])
            #expect(try printToolOutput(["zbarimg", "--raw", "-q", dir + "/code-\(level).png"]) == text + "\n")
        }
        let again = try Binary.run(["qr", "x", "--output", "code-L.svg"], in: dir)
        #expect(again.status == 1 && again.stderr.contains("exists"))
    }
}
