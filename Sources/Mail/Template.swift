import Survey

/// Our Mustache subset: `{{name}}`, `{{a.b}}`, `{{#name}}…{{/name}}` (shown when the value is
/// present and not empty) and `{{^name}}…{{/name}}` (shown when it is absent or empty).
public struct Template: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case value(String, Mark)
        case section(String, inverted: Bool, [Node], Mark)
    }

    let nodes: [Node]
    /// The template file, for messages.
    public let path: String

    /// Parses a template; `firstLine` is the line the text starts on in its file.
    /// - Throws: `TemplateError`.
    public init(_ text: String, path: String, firstLine: Int = 1) throws {
        self.path = path
        var parser = TemplateParser(chars: Array(text.unicodeScalars), path: path, line: firstLine)
        nodes = try parser.parse(until: nil)
    }

    /// Every placeholder and section name used, with where it is.
    public var names: [(String, Mark)] {
        func walk(_ nodes: [Node]) -> [(String, Mark)] {
            nodes.flatMap { node -> [(String, Mark)] in
                switch node {
                case .text: return []
                case .value(let name, let mark): return [(name, mark)]
                case .section(let name, _, let inner, let mark): return [(name, mark)] + walk(inner)
                }
            }
        }
        return walk(nodes)
    }

    /// One error per name not in `known`, with the closest known name as a hint.
    public func unknownNames(known: [String]) -> [TemplateError] {
        names.filter { !known.contains($0.0) }.map { name, mark in
            let hint = known.min { distance($0, name) < distance($1, name) }.map { " (did you mean {{\($0)}}?" } ?? " ("
            return TemplateError(path: path, mark: mark, message: "unknown placeholder {{\(name)}}\(hint) known: \(known.joined(separator: ", ")))")
        }
    }

    /// Fills in `values`; with `escapeHTML`, every value is HTML-escaped.
    public func render(_ values: [String: String], escapeHTML: Bool) -> String {
        var out: [UInt8] = []
        compiled(known: values, slots: [], escapeHTML: escapeHTML).render([], into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The template with the values known now filled in, and the names in `slots` left open
    /// for `CompiledTemplate.render`. A name in neither is empty.
    public func compiled(known: [String: String], slots: [String], escapeHTML: Bool) -> CompiledTemplate {
        var pieces: [CompiledTemplate.Piece] = []
        func add(_ bytes: some Sequence<UInt8>) {
            if case .bytes(var last)? = pieces.last {
                pieces.removeLast()
                last.append(contentsOf: bytes)
                pieces.append(.bytes(last))
            } else {
                pieces.append(.bytes(Array(bytes)))
            }
        }
        func walk(_ nodes: [Node]) {
            for node in nodes {
                switch node {
                case .text(let text): add(text.utf8)
                case .value(let name, _):
                    if let slot = slots.firstIndex(of: name) { pieces.append(.slot(slot)); continue }
                    var bytes: [UInt8] = []
                    if escapeHTML { HTML.escape(known[name] ?? "", into: &bytes) } else { bytes.append(contentsOf: (known[name] ?? "").utf8) }
                    add(bytes)
                case .section(let name, let inverted, let inner, _):
                    if let slot = slots.firstIndex(of: name) {
                        let body = Template(nodes: inner, path: path).compiled(known: known, slots: slots, escapeHTML: escapeHTML)
                        pieces.append(.section(slot, inverted: inverted, body.pieces))
                    } else if (known[name] ?? "").isEmpty == inverted {
                        walk(inner)
                    }
                }
            }
        }
        walk(nodes)
        return CompiledTemplate(pieces: pieces, escapeHTML: escapeHTML)
    }

    init(nodes: [Node], path: String) {
        self.nodes = nodes
        self.path = path
    }
}

/// A template prepared for many renderings: its fixed text as UTF-8 bytes, its open names as
/// numbered slots. Rendering appends bytes and looks nothing up by name.
public struct CompiledTemplate: Sendable {
    indirect enum Piece: Sendable {
        case bytes([UInt8])
        case slot(Int)
        /// Shown when the slot's value is not empty (inverted: when it is empty).
        case section(Int, inverted: Bool, [Piece])
    }

    let pieces: [Piece]
    let escapeHTML: Bool

    /// Appends the template with `values[i]` in slot `i` (HTML-escaped when compiled so).
    public func render(_ values: [String], into out: inout [UInt8]) {
        func walk(_ pieces: [Piece]) {
            for piece in pieces {
                switch piece {
                case .bytes(let bytes): out.append(contentsOf: bytes)
                case .slot(let i):
                    if escapeHTML { HTML.escape(values[i], into: &out) } else { out.append(contentsOf: values[i].utf8) }
                case .section(let i, let inverted, let inner):
                    if values[i].isEmpty == inverted { walk(inner) }
                }
            }
        }
        walk(pieces)
    }
}

extension CompiledTemplate {
    /// The template for a quoted-printable body: the complete lines of its fixed text are
    /// encoded here, once; a rendering encodes only the lines that hold a value.
    public func quotedPrintable() -> QuotedPrintableTemplate {
        var steps: [QuotedPrintableTemplate.Step] = []
        var fixed: [UInt8] = []
        func keep(_ bytes: some Collection<UInt8>) -> Range<Int> {
            fixed.append(contentsOf: bytes)
            return (fixed.count - bytes.count)..<fixed.count
        }
        func convert(_ pieces: [Piece]) {
            for piece in pieces {
                switch piece {
                case .bytes(let bytes):
                    guard let first = bytes.firstIndex(of: 0x0A), let last = bytes.lastIndex(of: 0x0A) else {
                        steps.append(.text(head: keep(bytes), lines: nil, tail: 0..<0))
                        continue
                    }
                    var lines: [UInt8] = []
                    MIME.quotedPrintable(Array(bytes[(first + 1)..<(last + 1)]), into: &lines)
                    steps.append(.text(head: keep(bytes[...first]), lines: keep(lines), tail: keep(bytes[(last + 1)...])))
                case .slot(let i):
                    steps.append(.slot(i))
                case .section(let i, let inverted, let inner):
                    let at = steps.count
                    steps.append(.section(i, inverted: inverted, end: 0))
                    convert(inner)
                    steps[at] = .section(i, inverted: inverted, end: steps.count)
                }
            }
        }
        convert(pieces)
        return QuotedPrintableTemplate(steps: steps, fixed: fixed, escapeHTML: escapeHTML)
    }
}

/// A compiled template whose rendering comes out in quoted-printable, the same bytes as
/// encoding `CompiledTemplate.render`'s output: encoding starts afresh at every line end,
/// so a complete line of fixed text is encoded the same wherever it appears. The steps run
/// in order and hold ranges of `fixed`, so that rendering touches no reference counts.
public struct QuotedPrintableTemplate: Sendable {
    enum Step: Sendable {
        /// Fixed text. Without a line end all of it is `head`, and `lines` is nil. Otherwise
        /// `head` runs through the first line end, `lines` are the complete lines after it,
        /// already encoded, and `tail` begins the next line.
        case text(head: Range<Int>, lines: Range<Int>?, tail: Range<Int>)
        case slot(Int)
        /// The steps up to `end` are shown when the slot's value is not empty (inverted: when it is).
        case section(Int, inverted: Bool, end: Int)
    }

    let steps: [Step]
    let fixed: [UInt8]
    let escapeHTML: Bool

    /// Appends the body with `values[i]` in slot `i`, encoded.
    public func render(_ values: [String], into out: inout [UInt8]) {
        var line: [UInt8] = []   // the text since the last line end, not yet encoded
        line.reserveCapacity(512)
        steps.withUnsafeBufferPointer { steps in
            fixed.withUnsafeBufferPointer { fixed in
                var i = 0
                while i < steps.count {
                    switch steps[i] {
                    case .text(let head, let lines, let tail):
                        line.append(contentsOf: UnsafeBufferPointer(rebasing: fixed[head]))
                        if let lines {
                            MIME.quotedPrintable(line, into: &out)
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: fixed[lines]))
                            line.removeAll(keepingCapacity: true)
                            line.append(contentsOf: UnsafeBufferPointer(rebasing: fixed[tail]))
                        }
                    case .slot(let slot):
                        if escapeHTML { HTML.escape(values[slot], into: &line) } else { line.append(contentsOf: values[slot].utf8) }
                    case .section(let slot, let inverted, let end):
                        if values[slot].isEmpty != inverted {
                            i = end
                            continue
                        }
                    }
                    i += 1
                }
            }
        }
        MIME.quotedPrintable(line, into: &out)
    }
}

/// A problem in a template file: `file:line:column: error: message`.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var mark: Mark
    public var message: String

    public init(path: String, mark: Mark, message: String) {
        self.path = path
        self.mark = mark
        self.message = message
    }

    public var description: String { "\(path):\(mark.line):\(mark.column): error: \(message)" }
}

private func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for (i, ca) in a.enumerated() {
        var current = [i + 1]
        for (j, cb) in b.enumerated() { current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1))) }
        previous = current
    }
    return previous[b.count]
}

struct TemplateParser {
    let chars: [Unicode.Scalar]
    let path: String
    var i = 0
    var line: Int
    var column = 1

    init(chars: [Unicode.Scalar], path: String, line: Int) {
        self.chars = chars
        self.path = path
        self.line = line
    }

    mutating func advance() {
        if chars[i] == "\n" { line += 1; column = 1 } else { column += 1 }
        i += 1
    }

    func startsTag() -> Bool { i + 1 < chars.count && chars[i] == "{" && chars[i + 1] == "{" }

    /// Parses nodes until `{{/section}}` (or the end when `section` is nil).
    mutating func parse(until section: (String, Mark)?) throws -> [Template.Node] {
        var nodes: [Template.Node] = []
        var text = String.UnicodeScalarView()
        func flush() { if !text.isEmpty { nodes.append(.text(String(text))); text = String.UnicodeScalarView() } }
        while i < chars.count {
            guard startsTag() else { text.append(chars[i]); advance(); continue }
            let mark = Mark(line: line, column: column)
            advance(); advance()
            var content = String.UnicodeScalarView()
            while i < chars.count && !(chars[i] == "}" && i + 1 < chars.count && chars[i + 1] == "}") {
                if chars[i] == "\n" { throw TemplateError(path: path, mark: mark, message: "'{{' is not closed with '}}' on its line") }
                content.append(chars[i]); advance()
            }
            guard i < chars.count else { throw TemplateError(path: path, mark: mark, message: "'{{' is not closed with '}}'") }
            advance(); advance()
            let tag = String(content).trimmingSpaces()
            let sigil = tag.first
            let name = (sigil == "#" || sigil == "^" || sigil == "/") ? String(tag.dropFirst()).trimmingSpaces() : tag
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "." || $0 == "-" }) else {
                throw TemplateError(path: path, mark: mark, message: "'{{\(tag)}}' is not a placeholder; write a name such as {{name}} or {{survey.title}}")
            }
            flush()
            switch sigil {
            case "#", "^":
                let inner = try parse(until: (name, mark))
                nodes.append(.section(name, inverted: sigil == "^", inner, mark))
            case "/":
                guard let section, section.0 == name else {
                    let open = section.map { "the open section is {{#\($0.0)}} from line \($0.1.line)" } ?? "no section is open"
                    throw TemplateError(path: path, mark: mark, message: "{{/\(name)}} closes nothing here; \(open)")
                }
                return nodes
            default:
                nodes.append(.value(name, mark))
            }
        }
        flush()
        if let section {
            throw TemplateError(path: path, mark: section.1, message: "section {{#\(section.0)}} is never closed; add {{/\(section.0)}}")
        }
        return nodes
    }
}
