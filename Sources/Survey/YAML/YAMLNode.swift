/// A position in a text file, 1-based, counted in Unicode scalars, as editors show it.
public struct Mark: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// A problem in a YAML document, with the place it was found.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public let mark: Mark
    public let message: String

    public init(_ mark: Mark, _ message: String) {
        self.mark = mark
        self.message = message
    }

    public var description: String { "\(mark): \(message)" }
}

/// How a scalar was written; only plain scalars are resolved to null, booleans and numbers.
public enum ScalarStyle: Sendable, Equatable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// A scalar as written: its text after unescaping and folding, its style and where it starts.
public struct YAMLScalar: Sendable, Equatable {
    public let value: String
    public let style: ScalarStyle
    public let mark: Mark

    public init(value: String, style: ScalarStyle, mark: Mark) {
        self.value = value
        self.style = style
        self.mark = mark
    }

    /// True for an empty plain value and for `~`/`null` (YAML 1.2 core schema).
    public var isNull: Bool {
        style == .plain && (value.isEmpty || value == "~" || value == "null" || value == "Null" || value == "NULL")
    }
}

/// One `key: value` pair of a block mapping, in the order written.
public struct YAMLEntry: Sendable {
    public let key: YAMLScalar
    public let value: YAMLNode
}

/// A node of the YAML subset: scalars, sequences and mappings with string keys.
public indirect enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    case sequence([YAMLNode], Mark)
    case mapping([YAMLEntry], Mark)

    /// Where the node starts.
    public var mark: Mark {
        switch self {
        case .scalar(let scalar): return scalar.mark
        case .sequence(_, let mark), .mapping(_, let mark): return mark
        }
    }

    /// A short name of the node's kind for error messages.
    public var kindName: String {
        switch self {
        case .scalar(let scalar): return scalar.isNull ? "an empty value" : "a single value"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}
