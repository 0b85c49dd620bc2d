import Foundation

extension SurveyDate {
    /// Reads `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS` (a space may replace `T`) in `zone`.
    /// A bare date means the start of that day, or with `endOfDay` the end of it (so that
    /// `closes: 2027-02-28` still accepts answers on the 28th).
    static func parse(_ text: String, in zone: TimeZone, endOfDay: Bool) -> SurveyDate? {
        let b = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= b.count, b[range].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return Int(String(decoding: b[range], as: UTF8.self))
        }
        guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        var components = DateComponents(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        var dateOnly = true
        if b.count > 10 {
            guard b.count == 16 || b.count == 19, b[10] == 0x54 || b[10] == 0x20, b[13] == 0x3A,
                  let hour = number(11..<13), let minute = number(14..<16), hour < 24, minute < 60 else { return nil }
            components.hour = hour
            components.minute = minute
            if b.count == 19 {
                guard b[16] == 0x3A, let second = number(17..<19), second < 60 else { return nil }
                components.second = second
            }
            dateOnly = false
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard (1...12).contains(month), let date = calendar.date(from: components),
              calendar.component(.day, from: date) == day, calendar.component(.month, from: date) == month else { return nil }
        if dateOnly && endOfDay, let next = calendar.date(byAdding: .day, value: 1, to: date) {
            return SurveyDate(text: text, instant: next)
        }
        return SurveyDate(text: text, instant: date)
    }
}
