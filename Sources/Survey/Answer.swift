/// One answer, stored as codes, never as labels.
public enum Answer: Sendable, Equatable {
    /// single, yesno: an option code.
    case choice(String)
    /// multi: the chosen codes.
    case choices([String])
    /// scale and number.
    case number(Double)
    case text(String)
    /// matrix: row code → option code.
    case rows([String: String])
    /// ranking: option codes, first place first.
    case order([String])
}

extension Condition {
    /// Whether the condition holds for the answers given so far; a test of a question without an
    /// answer is false (so `not` of it is true).
    public func evaluate(_ answers: [String: Answer]) -> Bool {
        switch self {
        case .and(let a, let b): return a.evaluate(answers) && b.evaluate(answers)
        case .or(let a, let b): return a.evaluate(answers) || b.evaluate(answers)
        case .not(let c): return !c.evaluate(answers)
        case .answered(let ref):
            guard let answer = answers[ref.question] else { return false }
            if let row = ref.row, case .rows(let rows) = answer { return rows[row] != nil }
            return true
        case .contains(let ref, let value):
            guard case .choices(let codes)? = answers[ref.question] else { return false }
            return codes.contains(value)
        case .isIn(let ref, let values):
            guard let given = Self.scalar(answers, ref) else { return false }
            return values.contains { Self.compare(given, .equal, $0) }
        case .compare(let ref, let op, let value):
            guard let given = Self.scalar(answers, ref) else { return false }
            return Self.compare(given, op, value)
        }
    }

    private enum Scalar { case code(String), number(Double) }

    private static func scalar(_ answers: [String: Answer], _ ref: Reference) -> Scalar? {
        switch answers[ref.question] {
        case .choice(let code)?: return .code(code)
        case .number(let n)?: return .number(n)
        case .rows(let rows)?: return ref.row.flatMap { rows[$0] }.map(Scalar.code)
        default: return nil
        }
    }

    private static func compare(_ given: Scalar, _ op: Comparison, _ value: String) -> Bool {
        switch given {
        case .code(let code):
            switch op {
            case .equal: return code == value
            case .notEqual: return code != value
            default: return false
            }
        case .number(let n):
            guard let v = Double(value) else { return false }
            switch op {
            case .equal: return n == v
            case .notEqual: return n != v
            case .less: return n < v
            case .lessOrEqual: return n <= v
            case .greater: return n > v
            case .greaterOrEqual: return n >= v
            }
        }
    }
}
