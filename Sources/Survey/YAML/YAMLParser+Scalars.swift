/// Scalars and flow sequences: what may follow `key:` or `- ` on the same line.
extension BlockParser {
    /// A value starting at `col`: a flow sequence, a quoted, block or plain scalar.
    func parseValue(at col: Int, parentIndent: Int) throws -> YAMLNode {
        let line = lines[li]
        let c = line.chars[col]
        switch c {
        case "[": return try parseFlowSequence(at: col)
        case "'", "\"": return .scalar(try parseQuoted(at: col, requireLineEnd: true).scalar)
        case "|", ">": return .scalar(try parseBlockScalar(at: col, parentIndent: parentIndent))
        default:
            try checkPlainStart(line, col)
            return .scalar(try parsePlain(at: col, parentIndent: parentIndent))
        }
    }

    /// Rejects the indicators a plain scalar may not start with, naming the unsupported feature.
    func checkPlainStart(_ line: Line, _ col: Int) throws {
        let chars = line.chars
        let next: Unicode.Scalar? = col + 1 < chars.count ? chars[col + 1] : nil
        let followedBySpace = next == nil || isBlankChar(next!)
        let message: String?
        switch chars[col] {
        case "{": message = "flow mappings ({...}) are not supported; write each 'key: value' on its own line"
        case "&": message = "anchors (&name) are not supported; write the value out"
        case "*": message = "aliases (*name) are not supported; write the value out"
        case "!": message = "tags (!tag) are not supported; remove the tag"
        case "%", "@", "`": message = "'\(chars[col])' cannot start a plain value; put the value in quotes"
        case ",", "]", "}": message = "unexpected '\(chars[col])'; put the value in quotes"
        case "-" where followedBySpace: message = "a '- ' list cannot start on the same line as its key; put each '- ' entry on its own line below"
        case "?" where followedBySpace: message = "complex keys ('? ') are not supported; write 'key: value'"
        case ":" where followedBySpace: message = "a key is missing before ':'"
        default: message = nil
        }
        if let message { throw YAMLError(line.mark(col), message) }
    }

    /// A plain scalar, folded over more-indented continuation lines.
    func parsePlain(at col: Int, parentIndent: Int) throws -> YAMLScalar {
        let line = lines[li]
        let mark = line.mark(col)
        var (text, endedByComment) = try plainSegment(line, from: col)
        li += 1
        guard !endedByComment else { return YAMLScalar(value: text, style: .plain, mark: mark) }
        var empties = 0
        while li < lines.count {
            let next = lines[li]
            if next.isEmpty { empties += 1; li += 1; continue }
            if next.isBlank || next.indent <= parentIndent { break }
            let (more, comment) = try plainSegment(next, from: next.indent)
            text += empties == 0 ? " " : String(repeating: "\n", count: empties)
            text += more
            empties = 0
            li += 1
            if comment { break }
        }
        return YAMLScalar(value: text, style: .plain, mark: mark)
    }

    /// The plain text of one line from `col`, up to a comment; trailing blanks removed.
    private func plainSegment(_ line: Line, from col: Int) throws -> (String, Bool) {
        let chars = line.chars
        var i = col
        var end = col
        var comment = false
        while i < chars.count {
            let c = chars[i]
            if c == "#" && i > col && isBlankChar(chars[i - 1]) { comment = true; break }
            if c == ":" && (i + 1 == chars.count || isBlankChar(chars[i + 1])) {
                throw YAMLError(line.mark(i), "': ' is not allowed inside a plain value; put the value in quotes, or start a nested mapping on its own line")
            }
            if !isBlankChar(c) { end = i + 1 }
            i += 1
        }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: chars[col..<end])
        return (String(text), comment)
    }

    /// A quoted scalar starting at `col`, possibly over several lines (folded as YAML says).
    /// Returns the scalar and the index after the closing quote on the line where it ends.
    func parseQuoted(at col: Int, requireLineEnd: Bool) throws -> (scalar: YAMLScalar, end: Int) {
        let first = lines[li]
        let quote = first.chars[col]
        let mark = first.mark(col)
        var result = ""
        var start = col + 1
        var pendingBreaks = -1   // -1: not at a line break
        while li < lines.count {
            let line = lines[li]
            let chars = line.chars
            var i = start
            if pendingBreaks >= 0 {
                while i < chars.count, isBlankChar(chars[i]) { i += 1 }
                if i == chars.count { pendingBreaks += 1; li += 1; start = 0; continue }
                result += pendingBreaks == 0 ? " " : String(repeating: "\n", count: pendingBreaks)
                pendingBreaks = -1
            }
            var segmentStart = i
            while i < chars.count {
                let c = chars[i]
                if c == quote {
                    if quote == "'" && i + 1 < chars.count && chars[i + 1] == "'" {
                        result += try unquote(chars[segmentStart..<(i + 1)], quote: quote, line: line, offset: segmentStart)
                        i += 2
                        segmentStart = i
                        continue
                    }
                    result += try unquote(chars[segmentStart..<i], quote: quote, line: line, offset: segmentStart)
                    let end = i + 1
                    if requireLineEnd { try expectLineEnd(line, from: end, after: "the closing quote") ; li += 1 }
                    return (YAMLScalar(value: result, style: quote == "'" ? .singleQuoted : .doubleQuoted, mark: mark), end)
                }
                if quote == "\"" && c == "\\" {
                    if i + 1 == chars.count {   // an escaped line break: join without a space
                        result += try unquote(chars[segmentStart..<i], quote: quote, line: line, offset: segmentStart)
                        segmentStart = chars.count
                        pendingBreaks = -2
                        break
                    }
                    i += 2
                    continue
                }
                i += 1
            }
            if pendingBreaks == -2 {
                pendingBreaks = -1
                li += 1
                guard li < lines.count else { break }
                var j = 0
                while j < lines[li].chars.count, isBlankChar(lines[li].chars[j]) { j += 1 }
                start = j
                continue
            }
            var end = chars.count
            while end > segmentStart, isBlankChar(chars[end - 1]) { end -= 1 }
            result += try unquote(chars[segmentStart..<end], quote: quote, line: line, offset: segmentStart)
            pendingBreaks = 0
            li += 1
            start = 0
        }
        throw YAMLError(mark, "this quoted value is never closed; add the closing \(quote)")
    }

    /// Only white space or a comment may follow a value on its line.
    func expectLineEnd(_ line: Line, from index: Int, after what: String) throws {
        var i = index
        while i < line.chars.count, isBlankChar(line.chars[i]) { i += 1 }
        if i < line.chars.count && !(line.chars[i] == "#" && i > index) {
            if line.chars[i] == ":" {
                throw YAMLError(line.mark(i), "a mapping cannot start here; put 'key: value' on its own line")
            }
            throw YAMLError(line.mark(i), "unexpected text after \(what); put the whole value in quotes, or move the text to its own line")
        }
    }

    /// Unescapes one line's piece of a quoted scalar.
    func unquote(_ piece: ArraySlice<Unicode.Scalar>, quote: Unicode.Scalar, line: Line, offset: Int) throws -> String {
        var out = String.UnicodeScalarView()
        var i = piece.startIndex
        while i < piece.endIndex {
            let c = piece[i]
            if quote == "'" {
                out.append(c)
                i += c == "'" ? 2 : 1
                continue
            }
            guard c == "\\" else { out.append(c); i += 1; continue }
            guard i + 1 < piece.endIndex else { break }
            let e = piece[i + 1]
            var hexCount = 0
            switch e {
            case "0": out.append("\u{0}")
            case "a": out.append("\u{7}")
            case "b": out.append("\u{8}")
            case "t", "\t": out.append("\t")
            case "n": out.append("\n")
            case "v": out.append("\u{B}")
            case "f": out.append("\u{C}")
            case "r": out.append("\r")
            case "e": out.append("\u{1B}")
            case " ": out.append(" ")
            case "\"": out.append("\"")
            case "/": out.append("/")
            case "\\": out.append("\\")
            case "N": out.append("\u{85}")
            case "_": out.append("\u{A0}")
            case "L": out.append("\u{2028}")
            case "P": out.append("\u{2029}")
            case "x": hexCount = 2
            case "u": hexCount = 4
            case "U": hexCount = 8
            default:
                throw YAMLError(line.mark(offset + (i - piece.startIndex)), "unknown escape '\\\(e)'; write '\\\\' for a backslash")
            }
            if hexCount > 0 {
                let digitsStart = i + 2
                let digitsEnd = digitsStart + hexCount
                var hex = String.UnicodeScalarView()
                if digitsEnd <= piece.endIndex { hex.append(contentsOf: piece[digitsStart..<digitsEnd]) }
                guard digitsEnd <= piece.endIndex, String(hex).allSatisfy(\.isHexDigit),
                      let value = UInt32(String(hex), radix: 16), let scalar = Unicode.Scalar(value) else {
                    throw YAMLError(line.mark(offset + (i - piece.startIndex)), "'\\\(e)' needs \(hexCount) hexadecimal digits of a valid character")
                }
                out.append(scalar)
                i = digitsEnd
                continue
            }
            i += 2
        }
        return String(out)
    }

    /// A literal `|` or folded `>` block scalar with optional chomping and indentation indicators.
    func parseBlockScalar(at col: Int, parentIndent: Int) throws -> YAMLScalar {
        let header = lines[li]
        let mark = header.mark(col)
        let folded = header.chars[col] == ">"
        var chomping: Unicode.Scalar = " "
        var explicitIndent = 0
        var i = col + 1
        while i < header.chars.count, !isBlankChar(header.chars[i]) {
            let c = header.chars[i]
            if (c == "+" || c == "-") && chomping == " " {
                chomping = c
            } else if let digit = Int(String(c)), digit >= 1, explicitIndent == 0 {
                explicitIndent = digit
            } else {
                throw YAMLError(header.mark(i), "unexpected '\(c)' after '\(header.chars[col])'; allowed are '+' or '-' and one digit 1-9, the text starts on the next line")
            }
            i += 1
        }
        try expectLineEnd(header, from: i, after: "'\(header.chars[col])'; the text of a block scalar starts on the next line")
        li += 1

        var contentIndent = explicitIndent > 0 ? max(parentIndent, 0) + explicitIndent : 0
        if contentIndent == 0 {
            var probe = li
            var maxLeading = 0
            while probe < lines.count, lines[probe].isEmpty { maxLeading = max(maxLeading, lines[probe].chars.count); probe += 1 }
            if probe < lines.count && lines[probe].indent > parentIndent {
                contentIndent = max(lines[probe].indent, 1)
                if maxLeading > contentIndent {
                    throw YAMLError(Mark(line: lines[probe].number, column: 1), "a blank line before the first line of the text has more spaces than it; remove the spaces")
                }
            } else {
                contentIndent = parentIndent + 1
            }
        }
        var content: [String] = []
        var lastContentLine = li
        while li < lines.count {
            let line = lines[li]
            if line.indent >= contentIndent && !line.chars.isEmpty && line.chars.count > contentIndent {
                var text = String.UnicodeScalarView()
                text.append(contentsOf: line.chars[contentIndent...])
                content.append(String(text))
                lastContentLine = li
            } else if line.isEmpty {
                content.append("")
            } else {
                break
            }
            li += 1
        }
        var trailing = 0
        while let last = content.last, last.isEmpty { content.removeLast(); trailing += 1 }
        var body = folded ? fold(content) : content.joined(separator: "\n")
        let finalBreak = content.isEmpty || lastContentLine < lines.count - 1 || lastLineHasBreak ? 1 : 0
        switch chomping {
        case "-": break
        case "+": body += String(repeating: "\n", count: content.isEmpty ? trailing : trailing + finalBreak)
        default: if !content.isEmpty { body += String(repeating: "\n", count: finalBreak) }
        }
        return YAMLScalar(value: body, style: folded ? .folded : .literal, mark: mark)
    }

    /// Folds the lines of a `>` scalar: single breaks between text lines become spaces, empty
    /// lines stay breaks, and lines that start with white space keep their breaks.
    private func fold(_ lines: [String]) -> String {
        var out = ""
        var started = false
        var previousSpaced = false
        var empties = 0
        for line in lines {
            if line.isEmpty { empties += 1; continue }
            let spaced = line.first == " " || line.first == "\t"
            if !started {
                out += String(repeating: "\n", count: empties)
            } else if !previousSpaced && !spaced {
                out += empties == 0 ? " " : String(repeating: "\n", count: empties)
            } else {
                out += String(repeating: "\n", count: empties + 1)
            }
            out += line
            started = true
            previousSpaced = spaced
            empties = 0
        }
        return out
    }

    /// `[a, 'b c', "d"]`: a flow sequence of scalars, possibly over several lines.
    func parseFlowSequence(at col: Int) throws -> YAMLNode {
        let mark = lines[li].mark(col)
        var items: [YAMLNode] = []
        var i = col + 1
        var expectItem = true
        while li < lines.count {
            let line = lines[li]
            let chars = line.chars
            while i < chars.count, isBlankChar(chars[i]) { i += 1 }
            if i == chars.count || (chars[i] == "#" && (i == 0 || isBlankChar(chars[i - 1]))) {
                li += 1
                i = 0
                continue
            }
            let c = chars[i]
            if c == "]" {
                try expectLineEnd(line, from: i + 1, after: "']'")
                li += 1
                return .sequence(items, mark)
            }
            if c == "," {
                if expectItem { throw YAMLError(line.mark(i), "an empty entry in [...]; remove the extra ','") }
                expectItem = true
                i += 1
                continue
            }
            guard expectItem else { throw YAMLError(line.mark(i), "expected ',' or ']' in this list") }
            switch c {
            case "[": throw YAMLError(line.mark(i), "nested lists inside [...] are not supported; write a block list with '- ' entries")
            case "{": throw YAMLError(line.mark(i), "flow mappings ({...}) are not supported; write each 'key: value' on its own line")
            case "'", "\"":
                let (scalar, end) = try parseQuoted(at: i, requireLineEnd: false)
                items.append(.scalar(scalar))
                i = end
            default:
                try checkPlainStart(line, i)
                let start = i
                var end = i
                while i < chars.count, chars[i] != ",", chars[i] != "]" {
                    if chars[i] == "#" && isBlankChar(chars[i - 1]) { break }
                    if chars[i] == ":" && (i + 1 == chars.count || isBlankChar(chars[i + 1]) || chars[i + 1] == "," || chars[i + 1] == "]") {
                        throw YAMLError(line.mark(i), "'key: value' pairs inside [...] are not supported; put the value in quotes or write a block mapping")
                    }
                    if chars[i] == "[" || chars[i] == "{" || chars[i] == "}" {
                        throw YAMLError(line.mark(i), "'\(chars[i])' inside a list value; put the value in quotes")
                    }
                    if !isBlankChar(chars[i]) { end = i + 1 }
                    i += 1
                }
                var text = String.UnicodeScalarView()
                text.append(contentsOf: chars[start..<end])
                items.append(.scalar(YAMLScalar(value: String(text), style: .plain, mark: line.mark(start))))
                if i == chars.count {
                    var j = li + 1
                    while j < lines.count, lines[j].isBlank { j += 1 }
                    if j < lines.count {
                        let next = lines[j].chars[lines[j].indent]
                        if next != "," && next != "]" {
                            throw YAMLError(lines[j].mark(lines[j].indent), "a plain value in [...] must end on its line; put it in quotes or end the line with ','")
                        }
                    }
                }
            }
            expectItem = false
        }
        throw YAMLError(mark, "this list is never closed; add the closing ']'")
    }
}
