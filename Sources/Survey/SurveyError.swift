/// A problem in a survey file: `file:line:column: error: message`, as compilers print it.
public struct SurveyError: Error, Sendable, Equatable, CustomStringConvertible {
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

/// All problems found in one file; decoding goes on after an error to report as many as it can.
public struct SurveyErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [SurveyError]

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
