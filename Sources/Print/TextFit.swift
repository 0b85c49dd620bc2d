/// How large a letter's text is set so that it fits its room on the sheet: the largest of
/// 11, 10 and 9 pt at which it fits, else 9 pt cut at the last whole line that fits above the
/// note that says so. Lines are counted as the browser breaks them, from the advance widths
/// of DejaVu Sans (the print font), a little wide so that a text said to fit does.
struct TextFit: Equatable {
    /// The font size in points.
    var points: Int
    /// The lines the text needs at that size (or, when cut, the lines shown).
    var lines: Int
    var cut: Bool

    /// The text's width and height on the sheet, in millimetres (LetterDocument's `.text`).
    static let width = 165.0
    static let height = 128.0
    /// The height left above the note when the text is cut.
    static let heightWhenCut = 122.0
    static let lineHeight = 1.4
    static let sizes = [11, 10, 9]
    static let millimetresPerPoint = 25.4 / 72

    /// The size for `text`: escaped HTML whose line breaks the page keeps (`pre-wrap`).
    static func choose(_ text: String) -> TextFit {
        let widths = lineWidths(text)
        for points in sizes {
            let em = Double(points) * millimetresPerPoint
            let room = Int(height / (em * lineHeight))
            let needed = count(widths, perLine: width / em)
            if needed <= room { return TextFit(points: points, lines: needed, cut: false) }
        }
        let em = Double(sizes.last!) * millimetresPerPoint
        return TextFit(points: sizes.last!, lines: Int(heightWhenCut / (em * lineHeight)), cut: true)
    }

    /// For each line of the text, the widths in em of its words, each with the space before it.
    static func lineWidths(_ text: String) -> [[Double]] {
        var lines: [[Double]] = [[]]
        var word = 0.0
        var inEntity = false
        func endWord() {
            if word > 0 { lines[lines.count - 1].append(word) }
            word = 0
        }
        for scalar in text.unicodeScalars {
            if inEntity { if scalar == ";" { inEntity = false }; continue }
            switch scalar {
            case "\n": endWord(); lines.append([])
            case " ": endWord(); word = advance(scalar)
            case "&": inEntity = true; word += 0.7
            default: word += advance(scalar)
            }
        }
        endWord()
        return lines
    }

    /// Lines needed when each line of `widths` is broken greedily at spaces into lines of
    /// `perLine` em; a word longer than a line is broken anywhere.
    static func count(_ widths: [[Double]], perLine: Double) -> Int {
        var total = 0
        for words in widths {
            var lines = 1, used = 0.0
            for w in words {
                if used + w <= perLine {
                    used += w
                } else {
                    // The word goes to the next line, without the space before it.
                    lines += 1
                    used = max(w - 0.32, 0)
                    while used > perLine { lines += 1; used -= perLine }
                }
            }
            total += lines
        }
        return total
    }

    /// The advance width of a character in DejaVu Sans, in em, rounded up a little.
    static func advance(_ scalar: Unicode.Scalar) -> Double {
        switch scalar {
        case " ": return 0.32
        case "i", "j", "l", ".", ",", ";", ":", "!", "'", "|": return 0.29
        case "f", "r", "t", "(", ")", "[", "]", "-", "\"", "/", "I": return 0.43
        case "m", "w", "M", "W", "@", "%": return 1.0
        case "0"..."9": return 0.65
        case "A"..."Z", "Ä", "Ö", "Ü": return 0.75
        case "a"..."z", "ä", "ö", "ü", "ß": return 0.64
        default: return scalar.value < 0x80 ? 0.7 : 0.8
        }
    }
}
