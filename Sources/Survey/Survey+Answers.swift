import Foundation
import JSON

/// A problem with one answer, shown next to its question.
public struct AnswerError: Sendable, Equatable {
    public var question: String
    public var message: String
}

/// Answers read from a form or a webhook and checked against the survey: types, ranges,
/// required questions, max choices, rankings, and `show_if` evaluated in question order (a
/// hidden question is never required and its answer is dropped).
public struct CheckedAnswers: Sendable {
    public var answers: [String: Answer] = [:]
    /// Free text of `other` options, by question id.
    public var otherTexts: [String: String] = [:]
    public var errors: [AnswerError] = []
    /// Questions hidden by `show_if`.
    public var hidden: Set<String> = []
}

extension Survey {
    /// Checks the fields of a submitted form (`id`, repeated `id` for multi, `id.row`, `id.other`,
    /// `id.1`, `id.2`… for rankings). Messages are in `language` (German or English).
    public func checkForm(_ fields: [(String, String)], language: String) -> CheckedAnswers {
        let values = FieldValues(fields)
        let en = language != "de"
        var result = CheckedAnswers()
        result.answers = Dictionary(minimumCapacity: questions.count)
        // Indices, not `for q in questions`: a copy of each Question would retain all its fields.
        for index in questions.indices {
            let id = questions[index].id
            if let condition = questions[index].showIf, !condition.evaluate(result.answers) {
                result.hidden.insert(id)
                continue
            }
            func fail(_ de: String, _ english: String) { result.errors.append(AnswerError(question: id, message: en ? english : de)) }
            /// The one value of a field; two different values for one answer are a mistake (or a
            /// forged form), not a choice between them.
            func single(_ name: String) -> String? {
                var given: String?
                var differ = false
                values.forEach(named: name) { value in
                    let trimmed = value.trimmingSpaces()
                    if differ || trimmed.isEmpty { return }
                    if let first = given, first != trimmed { differ = true }
                    given = trimmed
                }
                if differ {
                    fail("Bitte nur eine Antwort geben.", "Please give only one answer.")
                    return nil
                }
                return given
            }
            var answer: Answer?
            switch questions[index].kind {
            case .single(let options, let other):
                if let code = single(id) {
                    if options.contains(where: { $0.code == code }) || (other && code == "other") { answer = .choice(code) } else { fail("Bitte eine der Antworten wählen.", "Please choose one of the answers.") }
                    if other, code == "other" {
                        guard let text = single(id + ".other") else { fail("Bitte „Sonstiges“ beschreiben.", "Please describe “Other”."); break }
                        result.otherTexts[id] = String(text.prefix(2000))
                    }
                }
            case .multi(let options, let other, let maxChoices):
                var chosen: [String] = []
                values.forEach(named: id) { if !$0.isEmpty { chosen.append($0) } }
                if !chosen.isEmpty {
                    // A forged form may repeat the field thousands of times: a set keeps this linear.
                    var unique: [String] = []
                    var seen = Set<String>()
                    for code in chosen where seen.insert(code).inserted { unique.append(code) }
                    if !unique.allSatisfy({ code in options.contains { $0.code == code } || (other && code == "other") }) {
                        fail("Bitte nur aus den Antworten wählen.", "Please choose only from the answers.")
                    } else if let maxChoices, unique.count > maxChoices {
                        fail("Bitte höchstens \(maxChoices) wählen.", "Please choose at most \(maxChoices).")
                    } else {
                        answer = .choices(unique)
                        if other, unique.contains("other") {
                            if let text = single(id + ".other") { result.otherTexts[id] = String(text.prefix(2000)) }
                            else { fail("Bitte „Sonstiges“ beschreiben.", "Please describe “Other”.") }
                        }
                    }
                }
            case .scale(let low, let high, _, _):
                if let text = single(id) {
                    if let n = Int(text), text.allSatisfy(\.isNumber) || text.hasPrefix("-"), (low...high).contains(n) { answer = .number(Double(n)) }
                    else { fail("Bitte einen Wert von \(low) bis \(high) wählen.", "Please choose a value from \(low) to \(high).") }
                }
            case .matrix(let rows, let options):
                var chosen: [String: String] = [:]
                for row in rows {
                    guard let code = single(id + "." + row.code) else { continue }
                    if options.contains(where: { $0.code == code }) { chosen[row.code] = code }
                    else { fail("Bitte in jeder Zeile eine der Antworten wählen.", "Please choose one of the answers in each row.") }
                }
                if !chosen.isEmpty { answer = .rows(chosen) }
            case .yesno:
                if let code = single(id) {
                    if code == "yes" || code == "no" { answer = .choice(code) } else { fail("Bitte Ja oder Nein wählen.", "Please choose yes or no.") }
                }
            case .number(let low, let high, let decimals):
                if let text = single(id) {
                    let normalized = text.utf8.contains(0x2C) ? String(text.map { $0 == "," ? "." : $0 }) : text
                    // Bytes, not Characters: only ASCII digits, '.' and '-' pass, so they count the same.
                    let digitsOnly = normalized.utf8.allSatisfy { (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x2D }
                    guard digitsOnly, let value = Double(normalized), value.isFinite else {
                        fail("Bitte eine Zahl eingeben, zum Beispiel 3\(decimals > 0 ? " oder 2,5" : "").", "Please enter a number, for example 3\(decimals > 0 ? " or 2.5" : "").")
                        break
                    }
                    // A number Double reads from these bytes has one '.' at most.
                    let utf8 = normalized.utf8
                    let fraction = utf8.firstIndex(of: 0x2E).map { utf8.distance(from: $0, to: utf8.endIndex) - 1 } ?? 0
                    if fraction > decimals {
                        fail(decimals == 0 ? "Bitte eine ganze Zahl eingeben." : "Bitte höchstens \(decimals) Nachkommastellen.",
                             decimals == 0 ? "Please enter a whole number." : "Please use at most \(decimals) decimals.")
                    } else if !ExactDecimal.holds(value, normalized) {
                        // More digits than a Double keeps: the number stored would not be the one given.
                        fail("Bitte höchstens 15 Ziffern.", "Please use at most 15 digits.")
                    } else if let low, value < low {
                        fail("Bitte mindestens \(Self.german(low)) eingeben.", "Please enter at least \(JSONNumber.text(low)).")
                    } else if let high, value > high {
                        fail("Bitte höchstens \(Self.german(high)) eingeben.", "Please enter at most \(JSONNumber.text(high)).")
                    } else {
                        answer = .number(value)
                    }
                }
            case .text(let multiline, let maxLength):
                if var text = values.last(named: id)?.trimmingSpaces(), !text.isEmpty {
                    // "\r\n" is one Character in Swift: a line break becomes "\n" (or a space on one line).
                    // Only Characters holding "\n" change, so without that byte nothing is to be done.
                    if text.utf8.contains(0x0A) {
                        text = String(text.map { $0 == "\r\n" || $0 == "\n" ? (multiline ? "\n" : " ") : $0 })
                    }
                    // Never more Characters than bytes: most texts are not counted.
                    if text.utf8.count > maxLength && text.count > maxLength { fail("Bitte höchstens \(maxLength) Zeichen (jetzt \(text.count)).", "Please use at most \(maxLength) characters (now \(text.count)).") }
                    else { answer = .text(text) }
                }
            case .ranking(let options, let maxRanked):
                var order: [String] = []
                var place = 1
                while let code = single("\(id).\(place)") { order.append(code); place += 1 }
                // Places given at all, also after a gap (ID.1 and ID.3 without ID.2).
                let placesGiven = fields.filter { $0.0.hasPrefix(id + ".") && !$0.1.isEmpty }.count
                if placesGiven > 0 {
                    let needed = maxRanked ?? options.count
                    if Set(order).count != order.count {
                        fail("Jeder Vorschlag darf nur einmal vorkommen.", "Each option may appear only once.")
                    } else if !order.allSatisfy({ code in options.contains { $0.code == code } }) {
                        fail("Bitte nur aus den Vorschlägen wählen.", "Please choose only from the options.")
                    } else if order.count != needed || placesGiven != order.count {
                        fail("Bitte die Plätze 1 bis \(needed) ohne Lücke füllen.", "Please fill places 1 to \(needed) without a gap.")
                    } else {
                        answer = .order(order)
                    }
                }
            }
            if let answer {
                result.answers[id] = answer
            } else if questions[index].required && !result.errors.contains(where: { $0.question == id }) {
                fail("Bitte diese Frage beantworten.", "Please answer this question.")
            }
        }
        return result
    }
}

extension Survey {
    /// A limit as German readers write it: a decimal comma (the form takes either).
    public static func german(_ number: Double) -> String {
        String(JSONNumber.text(number).map { $0 == "." ? "," : $0 })
    }
}

/// The fields of a form by name. A form has a few dozen fields: they are found by comparing
/// names, which costs less than hashing them; a larger (forged) form is indexed once.
struct FieldValues {
    private let fields: [(String, String)]
    private let index: [String: [String]]?

    init(_ fields: [(String, String)]) {
        self.fields = fields
        guard fields.count > 32 else { index = nil; return }
        var index: [String: [String]] = [:]
        for (name, value) in fields { index[name, default: []].append(value) }
        self.index = index
    }

    /// Each value of the field `name`, in order.
    func forEach(named name: String, _ body: (String) -> Void) {
        if let index {
            index[name]?.forEach(body)
        } else {
            for (field, value) in fields where field == name { body(value) }
        }
    }

    /// The last value of the field `name`.
    func last(named name: String) -> String? {
        if let index { return index[name]?.last }
        return fields.last { $0.0 == name }?.1
    }
}
