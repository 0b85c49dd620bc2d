import Survey

/// The breakdown by source (`results --by source`, `?by=source`): how each answer came in,
/// `web` (the form), `webhook` or `paper` (typed in by `responses import`). The source is kept
/// with each response, not among its attributes; its groups are withheld like any other.
extension ResultsTally {
    /// The name of the breakdown.
    public static let source = "source"

    /// Whether the tally is broken down by source: `by` is `source` and the survey carries no
    /// attribute of that name (its own attribute comes first).
    public var bySource: Bool { by.map { Self.isSource($0, of: survey) } ?? false }

    /// Whether `by` asks for the breakdown by source in `survey`.
    public static func isSource(_ by: String, of survey: Survey) -> Bool {
        by == source && !survey.attributes.contains(source)
    }

    /// Whether `survey`'s results can be broken down by `by`: one of its attributes, or `source`.
    public static func canBreakDown(_ survey: Survey, by: String) -> Bool {
        survey.attributes.contains(by) || by == source
    }

    /// The group of a stored source: `form` is shown as `web`.
    static func sourceName(_ stored: String) -> String {
        stored == "form" ? "web" : stored
    }
}
