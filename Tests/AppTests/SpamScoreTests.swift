import Foundation
import Testing

@Suite("Our mail as a spam filter sees it (SpamAssassin, local rules)", .serialized)
struct SpamScoreTests {
    @Test("invitation and reminder, German and English, score at most 0.5 and carry List-Id")
    func scores() throws {
        let dir = try Binary.workspace()
        try "email;name;language;kommune;altersgruppe\nanna@schule.example;Anna Müller;;Herzberg (Elster);15-17\nbo@schule.example;Bo Smith;en;Finsterwalde;18-21\n"
            .write(toFile: dir + "/liste.csv", atomically: true, encoding: .utf8)
        #expect(try Binary.run(["participants", "import", "jugendcheck-2027", "liste.csv"], in: dir).status == 0)
        #expect(try Binary.run(["invite", "jugendcheck-2027"], in: dir).status == 0)
        #expect(try Binary.run(["send"], in: dir).status == 0)
        #expect(try Binary.run(["remind", "jugendcheck-2027"], in: dir).status == 0)
        #expect(try Binary.run(["send"], in: dir).status == 0)
        let outbox = dir + "/data/outbox"
        let files = try FileManager.default.contentsOfDirectory(atPath: outbox).filter { $0.hasSuffix(".eml") }
        #expect(files.count == 4, "two invitations and two reminders")
        var seen: Set<String> = []
        for file in files {
            let mail = try String(contentsOfFile: outbox + "/" + file, encoding: .utf8)
            #expect(mail.contains("\r\nList-Id: <jugendcheck-2027.mitreden."), "\(file)")
            seen.insert((mail.contains("Auto-Submitted") ? "reminder" : "invitation") + (mail.contains("To: \"Bo Smith\"") ? " en" : " de"))
            // -L: local tests only (no network); -t: the report with the score.
            let report = try run(["sh", "-c", "spamassassin -L -t < '\(outbox)/\(file)' 2>/dev/null"]).output
            guard let range = report.range(of: "X-Spam-Status: "), let scoreRange = report.range(of: "score=", range: range.upperBound..<report.endIndex) else {
                Issue.record("no X-Spam-Status: \(report.prefix(500))"); continue
            }
            let score = Double(report[scoreRange.upperBound...].prefix { $0 == "-" || $0 == "." || $0.isNumber }) ?? 99
            let tests = report[range.upperBound...].split(separator: "\n").prefix(3).joined(separator: " ")
            #expect(score <= 0.5, "\(file): \(score) \(tests)")
        }
        #expect(seen == ["invitation de", "invitation en", "reminder de", "reminder en"], "\(seen)")
    }
}
