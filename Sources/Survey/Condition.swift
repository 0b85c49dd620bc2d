/// A `show_if` expression: when a question is shown, given the answers before it.
///
/// Grammar: `or := and ('or' and)*`, `and := unary ('and' unary)*`,
/// `unary := 'not' unary | '(' or ')' | test`, and a test is one of
/// `REF (==|!=|<|<=|>|>=) VALUE`, `REF in [VALUE, ...]`, `REF contains VALUE`, `REF answered`,
/// where REF is a question id, or `id.row` for a matrix row.
public indirect enum Condition: Sendable, Equatable {
    case compare(Reference, Comparison, String)
    case isIn(Reference, [String])
    case contains(Reference, String)
    case answered(Reference)
    case and(Condition, Condition)
    case or(Condition, Condition)
    case not(Condition)

    public enum Comparison: String, Sendable, CaseIterable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    /// A question, or one row of a matrix question.
    public struct Reference: Sendable, Equatable {
        public var question: String
        public var row: String?
        /// Offset in the expression text, for messages.
        public var offset: Int
    }

    /// Every reference in the expression, in order.
    public var references: [Reference] {
        switch self {
        case .compare(let r, _, _), .isIn(let r, _), .contains(let r, _), .answered(let r): return [r]
        case .and(let a, let b), .or(let a, let b): return a.references + b.references
        case .not(let c): return c.references
        }
    }
}

/// A problem in an expression, at an offset (in Unicode scalars) into its text.
public struct ConditionError: Error, Equatable, Sendable {
    public var offset: Int
    public var message: String
}

extension Condition {
    /// Parses an expression.
    /// - Throws: `ConditionError`.
    public static func parse(_ text: String) throws -> Condition {
        var parser = ConditionParser(tokens: try ConditionParser.tokenize(text), end: text.unicodeScalars.count)
        let condition = try parser.parseOr()
        if let extra = parser.peek {
            throw ConditionError(offset: extra.offset, message: "unexpected '\(extra.text)'; join tests with 'and' or 'or'")
        }
        return condition
    }
}

struct ConditionParser {
    struct Token {
        enum Kind { case word, quoted, symbol }
        var kind: Kind
        var text: String
        var offset: Int
    }

    var tokens: [Token]
    var position = 0
    var terms = 0
    var nesting = 0
    let end: Int

    var peek: Token? { position < tokens.count ? tokens[position] : nil }

    static func tokenize(_ text: String) throws -> [Token] {
        let chars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var i = 0
        let wordStop: Set<Unicode.Scalar> = [" ", "\t", "\n", "(", ")", "[", "]", ",", "=", "!", "<", ">", "'", "\""]
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" { i += 1; continue }
            if c == "'" || c == "\"" {
                var j = i + 1
                var value = String.UnicodeScalarView()
                while j < chars.count, chars[j] != c { value.append(chars[j]); j += 1 }
                guard j < chars.count else { throw ConditionError(offset: i, message: "this quoted value is never closed; add the closing \(c)") }
                tokens.append(Token(kind: .quoted, text: String(value), offset: i))
                i = j + 1
                continue
            }
            if c == "=" || c == "!" || c == "<" || c == ">" {
                let two = i + 1 < chars.count && chars[i + 1] == "="
                let op = String(c) + (two ? "=" : "")
                guard Condition.Comparison(rawValue: op) != nil else {
                    throw ConditionError(offset: i, message: "unknown operator '\(op)' (expected one of: ==, !=, <, <=, >, >=)")
                }
                tokens.append(Token(kind: .symbol, text: op, offset: i))
                i += two ? 2 : 1
                continue
            }
            if "()[],".unicodeScalars.contains(c) {
                tokens.append(Token(kind: .symbol, text: String(c), offset: i))
                i += 1
                continue
            }
            var j = i
            var word = String.UnicodeScalarView()
            while j < chars.count, !wordStop.contains(chars[j]) { word.append(chars[j]); j += 1 }
            tokens.append(Token(kind: .word, text: String(word), offset: i))
            i = j
        }
        return tokens
    }

    mutating func next() -> Token? {
        defer { position += 1 }
        return peek
    }

    func isKeyword(_ token: Token?, _ word: String) -> Bool { token?.kind == .word && token?.text == word }

    mutating func parseOr() throws -> Condition {
        var left = try parseAnd()
        while isKeyword(peek, "or") { position += 1; try countTerm(); left = .or(left, try parseAnd()) }
        return left
    }

    mutating func parseAnd() throws -> Condition {
        var left = try parseUnary()
        while isKeyword(peek, "and") { position += 1; try countTerm(); left = .and(left, try parseUnary()) }
        return left
    }

    /// Limits that keep a condition's tree shallow (it is evaluated recursively, also on the
    /// server's request threads with their small stacks): 100 'and'/'or', 32 levels of 'not' and
    /// parentheses. A real condition needs a few.
    static let maxTerms = 100, maxNesting = 32

    mutating func countTerm() throws {
        terms += 1
        guard terms <= Self.maxTerms else { throw ConditionError(offset: peek?.offset ?? end, message: "more than \(Self.maxTerms) 'and'/'or'; split the condition") }
    }

    mutating func parseUnary() throws -> Condition {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxNesting else {
            throw ConditionError(offset: peek?.offset ?? end, message: "nested deeper than \(Self.maxNesting) levels of 'not' and parentheses")
        }
        guard let token = next() else { throw ConditionError(offset: end, message: "the expression ends too early; expected a test like 'frage == wert'") }
        if isKeyword(token, "not") { return .not(try parseUnary()) }
        if token.kind == .symbol && token.text == "(" {
            let inner = try parseOr()
            guard let close = next(), close.text == ")" else { throw ConditionError(offset: end, message: "missing ')'") }
            _ = close
            return inner
        }
        guard token.kind == .word, !["and", "or", "in", "contains", "answered"].contains(token.text) else {
            throw ConditionError(offset: token.offset, message: "expected a question id, found '\(token.text)'")
        }
        let parts = token.text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty }) else {
            throw ConditionError(offset: token.offset, message: "'\(token.text)' is not a question id or 'id.row'")
        }
        let reference = Condition.Reference(question: String(parts[0]), row: parts.count == 2 ? String(parts[1]) : nil, offset: token.offset)
        guard let op = next() else {
            throw ConditionError(offset: end, message: "'\(token.text)' needs a test: ==, !=, <, <=, >, >=, in [...], contains, answered")
        }
        if isKeyword(op, "answered") { return .answered(reference) }
        if isKeyword(op, "contains") { return .contains(reference, try value()) }
        if isKeyword(op, "in") {
            guard let open = next(), open.text == "[" else { throw ConditionError(offset: op.offset, message: "'in' needs a list: in [a, b]") }
            _ = open
            var values: [String] = []
            while true {
                values.append(try value())
                guard let sep = next() else { throw ConditionError(offset: end, message: "missing ']'") }
                if sep.text == "]" { break }
                guard sep.text == "," else { throw ConditionError(offset: sep.offset, message: "expected ',' or ']'") }
            }
            return .isIn(reference, values)
        }
        guard op.kind == .symbol, let comparison = Condition.Comparison(rawValue: op.text) else {
            throw ConditionError(offset: op.offset, message: "expected ==, !=, <, <=, >, >=, in, contains or answered after '\(token.text)', found '\(op.text)'")
        }
        return .compare(reference, comparison, try value())
    }

    mutating func value() throws -> String {
        guard let token = next() else { throw ConditionError(offset: end, message: "a value is missing at the end") }
        guard token.kind != .symbol else { throw ConditionError(offset: token.offset, message: "expected a value, found '\(token.text)'") }
        return token.text
    }
}
