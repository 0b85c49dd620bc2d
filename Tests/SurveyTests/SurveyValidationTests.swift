import Foundation
import Testing
@testable import Survey

/// A small valid survey; each case below changes one thing.
let base = """
id: probe
title: Probe
languages: [de, en]
questions:
  - id: a
    type: single
    text: Frage
    options: [x, y]

"""

struct Case: CustomStringConvertible, Sendable {
    let rule: String
    let yaml: String
    let mark: String
    let message: String
    var description: String { rule }
}

let cases: [Case] = [
    Case(rule: "unknown question type", yaml: "id: s\ntitle: T\nquestions:\n  - id: a\n    type: singel\n    text: F\n",
         mark: "5:11", message: "unknown question type 'singel' (expected one of: single, multi, scale, matrix, yesno, number, text, ranking)"),
    Case(rule: "missing type", yaml: "id: s\ntitle: T\nquestions:\n  - id: a\n    text: F\n", mark: "4:5", message: "has no 'type'"),
    Case(rule: "survey id pattern", yaml: "id: Jugend_2027\ntitle: T\nquestions:\n  - {id: a}\n", mark: "4:5", message: "flow mappings"),
    Case(rule: "survey id with uppercase", yaml: "id: Jugend\ntitle: T\nquestions:\n  - id: a\n    type: yesno\n    text: F\n", mark: "1:5", message: "must match [a-z0-9-]{1,64}"),
    Case(rule: "survey id with a path separator", yaml: "id: ../etc\ntitle: T\nquestions:\n  - id: a\n    type: yesno\n    text: F\n", mark: "1:5", message: "must match"),
    Case(rule: "survey id missing", yaml: "title: T\nquestions:\n  - id: a\n    type: yesno\n    text: F\n", mark: "1:1", message: "has no 'id'"),
    Case(rule: "title missing", yaml: "id: s\nquestions:\n  - id: a\n    type: yesno\n    text: F\n", mark: "1:1", message: "'title' is missing"),
    Case(rule: "no questions", yaml: "id: s\ntitle: T\n", mark: "1:1", message: "no 'questions'"),
    Case(rule: "unknown survey key with a guess", yaml: base + "titel: X\n", mark: "9:1", message: "unknown key 'titel' in survey (did you mean 'title'?)"),
    Case(rule: "duplicate question ids", yaml: base + "  - id: a\n    type: yesno\n    text: G\n", mark: "9:5", message: "question id 'a' is used twice (first at line 5)"),
    Case(rule: "options missing", yaml: "id: s\ntitle: T\nquestions:\n  - id: a\n    type: single\n    text: F\n", mark: "4:5", message: "needs 'options'"),
    Case(rule: "duplicate option codes", yaml: "id: s\ntitle: T\nquestions:\n  - id: a\n    type: single\n    text: F\n    options: [x, x]\n", mark: "7:18", message: "option code 'x' appears twice"),
    Case(rule: "key of another type", yaml: base.replacingOccurrences(of: "    options: [x, y]\n", with: "    options: [x, y]\n    max_choices: 1\n"), mark: "9:5", message: "'max_choices' does not apply to a single question (only to: multi)"),
    Case(rule: "scale range", yaml: "id: s\ntitle: T\nquestions:\n  - id: a\n    type: scale\n    text: F\n    min: 5\n    max: 1\n", mark: "8:10", message: "min below max"),
    Case(rule: "number range", yaml: "id: s\ntitle: T\nquestions:\n  - id: a\n    type: number\n    text: F\n    min: 10\n    max: 2\n", mark: "8:10", message: "must not be below min"),
    Case(rule: "max_choices beyond the options", yaml: "id: s\ntitle: T\nquestions:\n  - id: a\n    type: multi\n    text: F\n    options: [x, y]\n    max_choices: 3\n", mark: "8:18", message: "between 1 and 2"),
    Case(rule: "max_ranked beyond the options", yaml: "id: s\ntitle: T\nquestions:\n  - id: a\n    type: ranking\n    text: F\n    options: [x, y]\n    max_ranked: 3\n", mark: "8:17", message: "between 1 and 2"),
    Case(rule: "unknown choices list", yaml: "id: s\ntitle: T\nquestions:\n  - id: a\n    type: matrix\n    text: F\n    rows: [r]\n    options: skala\n", mark: "8:14", message: "no choices list named 'skala'"),
    Case(rule: "missing translation", yaml: base.replacingOccurrences(of: "title: Probe", with: "title:\n  de: Probe"), mark: "3:3", message: "no translation for en"),
    Case(rule: "translation for a language not offered", yaml: base.replacingOccurrences(of: "title: Probe", with: "title:\n  de: Probe\n  en: Test\n  fr: Essai"), mark: "5:3", message: "'fr' is not one of the survey's languages"),
    Case(rule: "bad language code", yaml: base.replacingOccurrences(of: "[de, en]", with: "[de, English]"), mark: "3:17", message: "not a language code"),
    Case(rule: "opens after closes", yaml: base + "opens: 2027-03-01\ncloses: 2027-02-01\n", mark: "10:9", message: "'closes' (2027-02-01) must be after 'opens' (2027-03-01)"),
    Case(rule: "invalid date", yaml: base + "opens: 2027-02-30\n", mark: "9:8", message: "is not a date"),
    Case(rule: "unknown time zone", yaml: base + "timezone: Berlin\n", mark: "9:11", message: "unknown time zone 'Berlin'"),
    Case(rule: "attribute not a plain name", yaml: base + "attributes: [Kommune]\n", mark: "9:14", message: "attribute 'Kommune' is not a plain name"),
    Case(rule: "attribute reserved", yaml: base + "attributes: [email]\n", mark: "9:14", message: "participant column with its own meaning"),
    Case(rule: "attributes on an open survey", yaml: base + "access: open\nattributes: [kommune]\n", mark: "10:1", message: "open survey has no participant list"),
    Case(rule: "unknown access", yaml: base + "access: public\n", mark: "9:9", message: "unknown access 'public' (expected invite or open)"),
    Case(rule: "yes is not a boolean", yaml: base + "anonymous: yes\n", mark: "9:12", message: "must be true or false, found 'yes'; YAML 1.2 reads 'yes' as text"),
    Case(rule: "min_group_size too small", yaml: base + "min_group_size: 1\n", mark: "9:17", message: "between 2 and 1000"),
    Case(rule: "reminders duration", yaml: base + "reminders:\n  after: 7 days\n", mark: "10:10", message: "is not a duration"),
    Case(rule: "template name", yaml: base + "mail:\n  invitation: ../secret\n", mark: "10:15", message: "may only use a-z"),
    Case(rule: "webhook event", yaml: base + "webhooks:\n  - url: https://portal.example.de/h\n    events: [response.deleted]\n", mark: "11:14", message: "unknown event 'response.deleted'"),
    Case(rule: "webhook url scheme", yaml: base + "webhooks:\n  - url: ftp://portal.example.de/h\n    events: [response.created]\n", mark: "10:10", message: "'ftp://portal.example.de/h' is not an http(s) URL"),
    Case(rule: "show_if refers to a later question", yaml: "id: s\ntitle: T\nquestions:\n  - id: a\n    type: yesno\n    text: F\n    show_if: b == yes\n  - id: b\n    type: yesno\n    text: G\n", mark: "7:14", message: "'b' is not a question before this one"),
    Case(rule: "show_if value the question cannot take", yaml: base + "  - id: b\n    type: yesno\n    text: G\n    show_if: a == z\n", mark: "12:14", message: "'a' can never be 'z' (its codes: x, y)"),
    Case(rule: "show_if contains on a single question", yaml: base + "  - id: b\n    type: yesno\n    text: G\n    show_if: a contains x\n", mark: "12:14", message: "'contains' tests a multi question"),
    Case(rule: "show_if ordering on codes", yaml: base + "  - id: b\n    type: yesno\n    text: G\n    show_if: a < x\n", mark: "12:14", message: "compares numbers"),
    Case(rule: "show_if syntax", yaml: base + "  - id: b\n    type: yesno\n    text: G\n    show_if: a == x and\n", mark: "12:24", message: "ends too early"),
    Case(rule: "show_if unknown operator", yaml: base + "  - id: b\n    type: yesno\n    text: G\n    show_if: a = x\n", mark: "12:16", message: "unknown operator '='"),
    Case(rule: "show_if quoted position", yaml: base + "  - id: b\n    type: yesno\n    text: G\n    show_if: 'a == q'\n", mark: "12:15", message: "'a' can never be 'q'"),
    Case(rule: "show_if on a matrix without a row", yaml: "id: s\ntitle: T\nquestions:\n  - id: m\n    type: matrix\n    text: F\n    rows: [r1]\n    options: [o1, o2]\n  - id: b\n    type: yesno\n    text: G\n    show_if: m == o1\n", mark: "12:14", message: "name a row, such as m.r1"),
    Case(rule: "other code clash", yaml: "id: s\ntitle: T\nquestions:\n  - id: a\n    type: single\n    text: F\n    options: [x, other]\n    other: true\n", mark: "4:5", message: "rename the option"),
    Case(rule: "reminders on an open survey", yaml: base + "access: open\nreminders:\n  after: 7d\n", mark: "10:1", message: "reminders need personal invitations"),
    Case(rule: "a YAML error keeps its position", yaml: base + "  - id: b\n\ttype: yesno\n", mark: "10:1", message: "tab used for indentation"),
    Case(rule: "root is not a mapping", yaml: "- a\n- b\n", mark: "1:1", message: "the survey must be a mapping"),
    Case(rule: "publish: unknown moment", yaml: base + "closes: 2027-02-28\npublish:\n  results: always\n", mark: "11:12", message: "unknown results 'always' (expected after_close or live)"),
    Case(rule: "publish: after_close without closes", yaml: base + "publish:\n  results: after_close\n", mark: "10:12", message: "'results: after_close' needs a 'closes' date"),
    Case(rule: "publish: breakdown by an unknown attribute", yaml: base + "attributes: [kommune]\npublish:\n  results: live\n  by: [kommune, schule]\n", mark: "12:17", message: "'schule' is not an attribute of this survey (attributes: kommune)"),
    Case(rule: "publish: breakdown in an open survey", yaml: base + "access: open\npublish:\n  results: live\n  by: [kommune]\n", mark: "12:8", message: "'kommune' is not an attribute of this survey (attributes: none)"),
    Case(rule: "publish: note without a translation", yaml: base + "publish:\n  results: live\n  note:\n    de: Wir berichten im Kreistag.\n", mark: "12:5", message: "'note' has no translation for en"),
    Case(rule: "page: empty at the end", yaml: base + "  - page: Leer\n", mark: "9:5", message: "this page holds no question"),
    Case(rule: "page: two in a row", yaml: base + "  - page: A\n  - page: B\n  - id: b\n    type: yesno\n    text: G\n", mark: "9:5", message: "this page holds no question"),
    Case(rule: "page: a question's key in a page entry", yaml: base + "  - page: A\n    type: yesno\n  - id: b\n    type: yesno\n    text: G\n", mark: "10:5", message: "holds only 'page' and 'intro'"),
    Case(rule: "page: unknown key with a guess", yaml: base + "  - page: A\n    intor: X\n  - id: b\n    type: yesno\n    text: G\n", mark: "10:5", message: "unknown key 'intor' in a page entry (did you mean 'intro'?)"),
    Case(rule: "page: a title without a translation", yaml: base + "  - page:\n      de: Seite\n  - id: b\n    type: yesno\n    text: G\n", mark: "10:7", message: "no translation for en"),
    Case(rule: "publish: unknown key", yaml: base + "publish:\n  results: live\n  nte: x\n", mark: "11:3", message: "unknown key 'nte' in publish (did you mean 'note'?)"),
]

@Suite("Survey validation")
struct SurveyValidationTests {
    @Test("the base survey is valid")
    func baseIsValid() throws {
        let survey = try SurveyReader.read(base, path: "surveys/probe.yml")
        #expect(survey.id == "probe")
        #expect(survey.questions.map(\.id) == ["a"])
    }

    @Test("pages: questions before the first page entry form an untitled first page; show_if reaches back across pages")
    func pages() throws {
        let survey = try SurveyReader.read(base + """
              - page: Zweite
                intro: Mehr
              - id: b
                type: yesno
                text: G
                show_if: a == x
              - id: c
                type: yesno
                text: H
              - page:
                  de: Dritte
                  en: Third
              - id: d
                type: text
                text: I
                show_if: b == yes and c answered

            """, path: "surveys/probe.yml")
        #expect(survey.pages.map(\.questions) == [0..<1, 1..<3, 3..<4])
        #expect(survey.pages.map { $0.title?.text("en", default: "de") } == [nil, "Zweite", "Third"])
        #expect(survey.pages[1].intro?.text("de", default: "de") == "Mehr")
        #expect(survey.isPaged)
        let one = try SurveyReader.read(base, path: "surveys/probe.yml")
        #expect(one.pages.map(\.questions) == [0..<1] && !one.isPaged)
    }

    @Test("each rule of SPEC.md reports its message at its position", arguments: cases)
    func rule(_ c: Case) {
        do {
            _ = try SurveyReader.read(c.yaml, path: "surveys/probe.yml")
            Issue.record("\(c.rule): accepted")
        } catch let errors as SurveyErrors {
            let expected = "surveys/probe.yml:\(c.mark): error: "
            #expect(errors.errors.contains { $0.description.hasPrefix(expected) && $0.message.contains(c.message) },
                    "\(c.rule): \(errors)")
        } catch {
            Issue.record("\(c.rule): \(error)")
        }
    }

    @Test("a webhook URL's scheme is matched in any case", arguments: ["HTTPS://Portal.Example.DE/hooks", "Https://portal.example.de/h", "HTTP://10.0.0.5:8080/h"])
    func webhookSchemeCase(_ url: String) throws {
        let survey = try SurveyReader.read(base + "webhooks:\n  - url: \(url)\n    events: [response.created]\n", path: "surveys/probe.yml")
        #expect(survey.webhooks == [WebhookEndpoint(url: url, events: ["response.created"])])
    }

    @Test("a webhook with a bad URL is reported once, and its 'events' key is not called unknown")
    func webhookBadURLOnly() {
        #expect { try SurveyReader.read(base + "webhooks:\n  - url: ftp://portal.example.de/h\n    events: [response.created]\n", path: "p.yml") } throws: { error in
            let messages = (error as? SurveyErrors)?.errors.map(\.message) ?? []
            return messages.count == 1 && messages[0].contains("is not an http(s) URL")
        }
    }

    @Test("decoding goes on after an error and reports each problem")
    func severalErrors() {
        let yaml = "id: s\ntitle: T\nanonymous: maybe\nquestions:\n  - id: a\n    type: singel\n    text: F\n"
        #expect(throws: SurveyErrors.self) { try SurveyReader.read(yaml, path: "x.yml") }
        do { _ = try SurveyReader.read(yaml, path: "x.yml") } catch let errors as SurveyErrors {
            #expect(errors.errors.map { "\($0.mark)" } == ["3:12", "6:11"])
        } catch {}
    }

    @Test("every example survey in surveys/ is valid")
    func examples() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("surveys")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yml") }
        #expect(files.count >= 4)
        var types = Set<String>()
        for file in files {
            let survey = try SurveyReader.read(file: dir.appendingPathComponent(file).path)
            types.formUnion(survey.questions.map(\.typeName))
        }
        #expect(types == Set(Question.typeNames), "together the examples use every question type")
    }

    @Test("publish: read with its breakdowns and note; after_close switches on at closes, live at opens, nothing without it")
    func publish() throws {
        let yaml = base + "attributes: [kommune]\nopens: 2027-01-10\ncloses: 2027-02-28\npublish:\n  results: after_close\n  by: [kommune]\n  note:\n    de: Im Mai berichten wir.\n    en: We report in May.\n"
        let survey = try SurveyReader.read(yaml, path: "p.yml")
        #expect(survey.publish.results == .afterClose && survey.publish.by == ["kommune"])
        #expect(survey.publish.note?.text("en", default: "de") == "We report in May.")
        let closes = survey.closes!.instant
        #expect(!survey.isPublished(at: closes.addingTimeInterval(-1)) && survey.isPublished(at: closes))
        let live = try SurveyReader.read(yaml.replacingOccurrences(of: "after_close", with: "live"), path: "p.yml")
        #expect(!live.isPublished(at: live.opens!.instant.addingTimeInterval(-1)) && live.isPublished(at: live.opens!.instant) && live.isPublished(at: closes))
        let unpublished = try SurveyReader.read(base + "closes: 2027-02-28\n", path: "p.yml")
        #expect(unpublished.publish == Publish() && !unpublished.isPublished(at: closes.addingTimeInterval(86400 * 365)))
    }

    @Test("dates are read in the survey's time zone and a bare closing date includes that day")
    func dates() throws {
        let survey = try SurveyReader.read(base + "opens: 2027-01-10\ncloses: 2027-02-28\n", path: "p.yml")
        #expect(survey.timestamp(survey.opens!.instant) == "2027-01-10T00:00:00+01:00")
        #expect(survey.timestamp(survey.closes!.instant) == "2027-03-01T00:00:00+01:00")
        #expect(survey.isOpen(at: survey.closes!.instant.addingTimeInterval(-1)))
        #expect(!survey.isOpen(at: survey.closes!.instant))
        let summer = try SurveyReader.read(base + "opens: 2027-07-01T08:30\n", path: "p.yml")
        #expect(summer.timestamp(summer.opens!.instant) == "2027-07-01T08:30:00+02:00")
    }
}

@Suite("show_if expressions")
struct ConditionTests {
    @Test("precedence: not binds tighter than and, and tighter than or")
    func precedence() throws {
        let c = try Condition.parse("a == x or not b == y and c answered")
        let answers: [String: Answer] = ["a": .choice("z"), "b": .choice("q"), "c": .text("t")]
        #expect(c.evaluate(answers))
        #expect(!c.evaluate(["a": .choice("z"), "b": .choice("y"), "c": .text("t")]))
    }

    @Test("numbers compare numerically, lists and contains work, unanswered tests are false")
    func evaluation() throws {
        #expect(try Condition.parse("n >= 3").evaluate(["n": .number(3)]))
        #expect(!(try Condition.parse("n > 3").evaluate(["n": .number(3)])))
        #expect(try Condition.parse("s in [a, 'b c']").evaluate(["s": .choice("b c")]))
        #expect(try Condition.parse("m contains k").evaluate(["m": .choices(["j", "k"])]))
        #expect(try Condition.parse("mx.r == o").evaluate(["mx": .rows(["r": "o"])]))
        #expect(!(try Condition.parse("s == a").evaluate([:])))
        #expect(try Condition.parse("not (s == a)").evaluate([:]))
    }
}
