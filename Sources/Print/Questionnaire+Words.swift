import JSON
import Survey

/// The fixed words of the paper questionnaire, in German and English; other languages read
/// English. Like the letters' words they avoid "Sie" and "du", so they fit a survey in either voice.
struct QuestionnaireWords {
    let german: Bool

    init(_ language: String) {
        german = language.prefix { $0 != "-" && $0 != "_" }.lowercased() == "de"
    }

    func pick(_ de: String, _ en: String) -> String { german ? de : en }

    /// 2 to 12 as words, larger numbers as digits.
    func word(_ n: Int) -> String {
        let de = ["null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf"]
        let en = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
        return (0...12).contains(n) ? (german ? de[n] : en[n]) : String(n)
    }

    /// A limit as readers write it: a decimal comma in German.
    func number(_ value: Double) -> String {
        german ? Survey.german(value) : JSONNumber.text(value)
    }

    var howTo: String {
        pick("Bitte ankreuzen: ○ eine Antwort, □ mehrere Antworten möglich. Zahlen und Texte bitte in die Kästchen und auf die Linien schreiben.",
             "Please tick: ○ one answer, □ several answers possible. Please write numbers and texts in the boxes and on the lines.")
    }
    var requiredNote: String {
        pick("Fragen mit dem Hinweis „Pflichtfrage“ bitte auf jeden Fall beantworten.", "Please be sure to answer the questions marked “required”.")
    }
    var required: String { pick("Pflichtfrage", "required") }
    var question: String { pick("Frage", "Question") }
    var codeTitle: String { pick("Zugangscode", "Access code") }
    var codeHelp: String {
        pick("Bitte den Zugangscode vom Brief oder von der Karte in die Kästchen abschreiben (12 Zeichen, ohne Striche).",
             "Please copy the access code from the letter or card into the boxes (12 characters, without dashes).")
    }
    var codeOnce: String {
        pick("Der Code sorgt dafür, dass jede Person nur einmal antwortet. Er wird nicht mit den Antworten gespeichert.",
             "The code makes sure that each person answers only once. It is not stored with the answers.")
    }
    var codeBoxes: String { pick("12 Kästchen für den Zugangscode, in drei Vierergruppen", "12 boxes for the access code, in three groups of four") }
    var single: String { pick("Bitte eine Antwort ankreuzen.", "Please tick one answer.") }
    func multi(max: Int?) -> String {
        guard let max else { return pick("Mehrere Antworten möglich.", "Several answers possible.") }
        if max == 1 { return pick("Bitte höchstens eine Antwort ankreuzen.", "Please tick at most one answer.") }
        return pick("Mehrere Antworten möglich, höchstens \(word(max)).", "Several answers possible, at most \(word(max)).")
    }
    var other: String { pick("Sonstiges, und zwar:", "Other, namely:") }
    func scale(_ low: Int, _ high: Int) -> String {
        pick("Bitte einen Wert von \(low) bis \(high) ankreuzen.", "Please tick one value from \(low) to \(high).")
    }
    var matrix: String { pick("Bitte in jeder Zeile eine Antwort ankreuzen.", "Please tick one answer in each row.") }
    var yesno: String { pick("Bitte Ja oder Nein ankreuzen.", "Please tick yes or no.") }
    func ranking(count: Int, maxRanked: Int?) -> String {
        if let maxRanked, maxRanked < count {
            return pick("Bitte die Plätze 1 bis \(maxRanked) vergeben: die Zahl des Platzes ins Kästchen schreiben (1 = erster Platz), jede Zahl nur einmal. Die übrigen Kästchen bleiben leer.",
                        "Please give places 1 to \(maxRanked): write the place's number in the box (1 = first place), each number once. Leave the other boxes empty.")
        }
        return pick("Bitte in jedes Kästchen eine Zahl von 1 bis \(count) schreiben (1 = erster Platz), jede Zahl nur einmal.",
                    "Please write a number from 1 to \(count) in each box (1 = first place), each number once.")
    }
    func number(min: Double?, max: Double?, decimals: Int) -> String {
        let kind = decimals == 0 ? pick("eine ganze Zahl", "a whole number") : pick("eine Zahl", "a number")
        var range = ""
        switch (min, max) {
        case let (low?, high?): range = pick(" von \(number(low)) bis \(number(high))", " from \(number(low)) to \(number(high))")
        case let (low?, nil): range = pick(" ab \(number(low))", " of at least \(number(low))")
        case let (nil, high?): range = pick(" bis \(number(high))", " of at most \(number(high))")
        case (nil, nil): break
        }
        var places = ""
        if decimals == 1 { places = pick(", mit höchstens einer Nachkommastelle", " with at most one decimal place") }
        if decimals > 1 { places = pick(", mit höchstens \(word(decimals)) Nachkommastellen", " with at most \(word(decimals)) decimal places") }
        return pick("Bitte \(kind)\(range) eintragen\(places).", "Please enter \(kind)\(range)\(places).")
    }
    func maxLength(_ n: Int) -> String { pick("Höchstens \(n) Zeichen.", "At most \(n) characters.") }
    var only: String { pick("Nur beantworten, wenn", "Only answer if") }
    var thanks: String { pick("Vielen Dank!", "Thank you!") }
    var page: (String, String) { german ? ("Seite ", " von ") : ("Page ", " of ") }
}
