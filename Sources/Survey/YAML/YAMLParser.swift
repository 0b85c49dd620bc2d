/// Reads the strict YAML 1.2 subset of survey files: block mappings and sequences, flow
/// sequences of scalars, plain/quoted/block scalars and comments. Everything else (tabs as
/// indentation, anchors, aliases, tags, flow mappings, several documents, duplicate keys)
/// is a `YAMLError` with its position, never a guess.
public enum YAMLParser {
    /// Parses one document.
    /// - Throws: `YAMLError`.
    public static func parse(_ text: String) throws -> YAMLNode {
        let lines = try Line.split(text)
        let parser = try BlockParser(lines: lines, lastLineHasBreak: text.hasSuffix("\n"))
        return try parser.parseDocument()
    }
}

/// One line of the document, split into Unicode scalars so that columns match editors.
struct Line {
    let number: Int
    let chars: [Unicode.Scalar]
    /// Leading spaces.
    let indent: Int
    /// Only white space, or a comment.
    let isBlank: Bool
    /// Only white space (a comment line is not empty inside block scalars).
    let isEmpty: Bool

    init(number: Int, chars: [Unicode.Scalar]) {
        self.number = number
        self.chars = chars
        var i = 0
        while i < chars.count, chars[i] == " " { i += 1 }
        indent = i
        while i < chars.count, chars[i] == "\t" || chars[i] == " " { i += 1 }
        isEmpty = i == chars.count
        isBlank = isEmpty || chars[i] == "#"
    }

    func mark(_ index: Int) -> Mark { Mark(line: number, column: index + 1) }

    /// Splits the text into lines, checking characters and document markers.
    static func split(_ text: String) throws -> [Line] {
        var lines: [Line] = []
        var current: [Unicode.Scalar] = []
        var number = 1
        var sawContent = false
        func finish() throws {
            if current.last == "\r" { current.removeLast() }
            let line = Line(number: number, chars: current)
            if line.chars.starts(with: ["-", "-", "-"]) && (line.chars.count == 3 || line.chars[3] == " " || line.chars[3] == "\t") {
                let rest = Line(number: number, chars: Array(line.chars.dropFirst(3)))
                if sawContent {
                    throw YAMLError(line.mark(0), "a second document ('---') is not supported; write one survey per file")
                }
                guard rest.isBlank else {
                    throw YAMLError(line.mark(4), "content after '---' is not supported; start the document on the next line")
                }
                lines.append(Line(number: number, chars: []))
            } else if line.chars.starts(with: [".", ".", "."]) && (line.chars.count == 3 || line.chars[3] == " ") {
                throw YAMLError(line.mark(0), "the document end marker '...' is not supported; remove it")
            } else if !sawContent && line.chars.first == "%" {
                throw YAMLError(line.mark(0), "directives (%YAML, %TAG) are not supported; remove the line")
            } else {
                if !line.isBlank { sawContent = true }
                lines.append(line)
            }
            current.removeAll(keepingCapacity: true)
            number += 1
        }
        var first = true
        for scalar in text.unicodeScalars {
            defer { first = false }
            if scalar == "\u{FEFF}" && first { continue }
            if scalar == "\n" { try finish(); continue }
            let v = scalar.value
            if (v < 0x20 && v != 0x09 && v != 0x0D) || v == 0x7F || v == 0xFEFF || (v >= 0x80 && v < 0xA0 && v != 0x85) {
                let hex = String(v, radix: 16, uppercase: true)
                throw YAMLError(Mark(line: number, column: current.count + 1),
                                "control character U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex) is not allowed; remove it")
            }
            current.append(scalar)
        }
        if !current.isEmpty || text.isEmpty || !text.hasSuffix("\n") { try finish() }
        return lines
    }
}

@inline(__always) func isBlankChar(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" }

/// The block structure: which lines form which mapping, sequence or scalar.
final class BlockParser {
    let lines: [Line]
    /// Whether the text ends with a line break (a block scalar on the last line keeps it).
    let lastLineHasBreak: Bool
    /// The line being read.
    var li = 0
    /// How deep the node being read is nested; a survey needs a handful of levels, and a limit
    /// keeps a hostile file from exhausting the stack.
    var depth = 0
    static let maxDepth = 64

    init(lines: [Line], lastLineHasBreak: Bool) throws {
        self.lines = lines
        self.lastLineHasBreak = lastLineHasBreak
        for line in lines where !line.isBlank && line.chars[line.indent] == "\t" {
            throw YAMLError(line.mark(line.indent), "tab used for indentation; indent with spaces")
        }
    }

    func parseDocument() throws -> YAMLNode {
        skipBlank()
        guard li < lines.count else { return .scalar(YAMLScalar(value: "", style: .plain, mark: Mark(line: 1, column: 1))) }
        let node = try parseNode(at: lines[li].indent, parentIndent: -1)
        skipBlank()
        if li < lines.count {
            let line = lines[li]
            throw YAMLError(line.mark(line.indent), "unexpected text at this indentation; align it with the entries it belongs to")
        }
        return node
    }

    func skipBlank() {
        while li < lines.count && lines[li].isBlank { li += 1 }
    }

    func isSequenceEntry(_ line: Line, _ col: Int) -> Bool {
        col < line.chars.count && line.chars[col] == "-" && (col + 1 == line.chars.count || isBlankChar(line.chars[col + 1]))
    }

    /// A node that starts at column `col` of the current line, inside a block at `parentIndent`.
    func parseNode(at col: Int, parentIndent: Int) throws -> YAMLNode {
        let line = lines[li]
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else {
            throw YAMLError(line.mark(col), "nested deeper than \(Self.maxDepth) levels; a survey file needs only a few")
        }
        if isSequenceEntry(line, col) { return try parseSequence(indent: col) }
        if try startsMappingEntry(line, col) { return try parseMapping(indent: col) }
        return try parseValue(at: col, parentIndent: parentIndent)
    }

    /// The block below a `key:` or `-` with nothing after it: a node indented deeper, or null.
    func parseIndentedBlock(parentIndent: Int, emptyMark: Mark) throws -> YAMLNode {
        skipBlank()
        if li < lines.count && lines[li].indent > parentIndent {
            return try parseNode(at: lines[li].indent, parentIndent: parentIndent)
        }
        return .scalar(YAMLScalar(value: "", style: .plain, mark: emptyMark))
    }

    func parseSequence(indent: Int) throws -> YAMLNode {
        let mark = lines[li].mark(indent)
        var items: [YAMLNode] = []
        while true {
            let line = lines[li]
            var c = indent + 1
            while c < line.chars.count, isBlankChar(line.chars[c]) { c += 1 }
            if c == line.chars.count || line.chars[c] == "#" {
                li += 1
                items.append(try parseIndentedBlock(parentIndent: indent, emptyMark: line.mark(indent + 1)))
            } else {
                items.append(try parseNode(at: c, parentIndent: indent))
            }
            skipBlank()
            guard li < lines.count else { break }
            let next = lines[li]
            if next.indent > indent {
                throw YAMLError(next.mark(next.indent), "unexpected indentation; align this line with the '-' entries above or the text it continues")
            }
            guard next.indent == indent, isSequenceEntry(next, indent) else { break }
        }
        return .sequence(items, mark)
    }

    func parseMapping(indent: Int) throws -> YAMLNode {
        let mark = lines[li].mark(indent)
        var entries: [YAMLEntry] = []
        var seen: [String: Mark] = [:]
        while true {
            let line = lines[li]
            let (key, afterColon) = try parseKey(line, indent)
            if let first = seen[key.value] {
                throw YAMLError(key.mark, "duplicate key '\(key.value)' (first at line \(first.line)); each key may appear once")
            }
            seen[key.value] = key.mark
            if afterColon < line.chars.count && line.chars[afterColon] == "\t" {
                throw YAMLError(line.mark(afterColon), "a tab after ':' is read differently by other YAML tools; separate key and value with a space")
            }
            var c = afterColon
            while c < line.chars.count, isBlankChar(line.chars[c]) { c += 1 }
            let value: YAMLNode
            if c == line.chars.count || line.chars[c] == "#" {
                li += 1
                skipBlank()
                if li < lines.count && lines[li].indent == indent && isSequenceEntry(lines[li], indent) {
                    value = try parseSequence(indent: indent)
                } else {
                    value = try parseIndentedBlock(parentIndent: indent, emptyMark: line.mark(afterColon))
                }
            } else {
                value = try parseValue(at: c, parentIndent: indent)
            }
            entries.append(YAMLEntry(key: key, value: value))
            skipBlank()
            guard li < lines.count else { break }
            let next = lines[li]
            if next.indent > indent {
                throw YAMLError(next.mark(next.indent), "unexpected indentation; align this line with the key '\(key.value)' above, or indent it under a key that ends with ':'")
            }
            guard next.indent == indent else { break }
            if isSequenceEntry(next, indent) {
                throw YAMLError(next.mark(indent), "a '- ' list entry cannot stand among the keys of a mapping; indent it under a key that ends with ':'")
            }
            guard try startsMappingEntry(next, indent) else {
                throw YAMLError(next.mark(indent), "expected 'key: value' here, like the entries above")
            }
        }
        return .mapping(entries, mark)
    }

    /// Whether the text at `col` is a `key:` (plain or quoted key followed by ':' and a space or the line's end).
    func startsMappingEntry(_ line: Line, _ col: Int) throws -> Bool {
        let chars = line.chars
        let first = chars[col]
        if first == "?" && (col + 1 == chars.count || isBlankChar(chars[col + 1])) {
            throw YAMLError(line.mark(col), "complex keys ('? ') are not supported; write 'key: value'")
        }
        if first == "'" || first == "\"" {
            guard let end = closingQuote(chars, from: col) else { return false }
            var i = end + 1
            while i < chars.count, isBlankChar(chars[i]) { i += 1 }
            return i < chars.count && chars[i] == ":" && (i + 1 == chars.count || isBlankChar(chars[i + 1]))
        }
        if "[{|>&*!%@`".unicodeScalars.contains(first) { return false }
        var i = col
        while i < chars.count {
            if chars[i] == ":" && (i + 1 == chars.count || isBlankChar(chars[i + 1])) { return true }
            if chars[i] == "#" && i > col && isBlankChar(chars[i - 1]) { return false }
            i += 1
        }
        return false
    }

    /// The index of the quote that closes the one-line quoted scalar starting at `start`.
    func closingQuote(_ chars: [Unicode.Scalar], from start: Int) -> Int? {
        let quote = chars[start]
        var i = start + 1
        while i < chars.count {
            if quote == "\"" && chars[i] == "\\" { i += 2; continue }
            if chars[i] == quote {
                if quote == "'" && i + 1 < chars.count && chars[i + 1] == "'" { i += 2; continue }
                return i
            }
            i += 1
        }
        return nil
    }

    /// Reads the key at `col` and returns it with the index just after its ':'.
    func parseKey(_ line: Line, _ col: Int) throws -> (YAMLScalar, Int) {
        let chars = line.chars
        if chars[col] == "'" || chars[col] == "\"" {
            let end = closingQuote(chars, from: col)!
            let value = try unquote(chars[(col + 1)..<end], quote: chars[col], line: line, offset: col + 1)
            var i = end + 1
            while chars[i] != ":" { i += 1 }
            return (YAMLScalar(value: value, style: chars[col] == "'" ? .singleQuoted : .doubleQuoted, mark: line.mark(col)), i + 1)
        }
        var i = col
        while !(chars[i] == ":" && (i + 1 == chars.count || isBlankChar(chars[i + 1]))) { i += 1 }
        var end = i
        while end > col, isBlankChar(chars[end - 1]) { end -= 1 }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: chars[col..<end])
        let key = String(text)
        if key.isEmpty { throw YAMLError(line.mark(col), "a key is missing before ':'") }
        try checkPlainStart(line, col)
        return (YAMLScalar(value: key, style: .plain, mark: line.mark(col)), i + 1)
    }
}
