import Foundation

/// What a survey publishes to everyone at `/r/{survey}` (survey key `publish`): when, which
/// breakdowns, and the organizers' note on what happens with the answers.
public struct Publish: Sendable, Equatable {
    /// When the results are public.
    public enum Moment: String, Sendable, CaseIterable {
        /// From `closes` on.
        case afterClose = "after_close"
        /// From `opens` on (or at once without it), while the survey runs and after.
        case live
    }

    /// Nil: nothing is published (the default).
    public var results: Moment?
    /// The attributes the public page breaks the results down by, small groups withheld.
    public var by: [String]
    /// The organizers' note: what happens with the answers.
    public var note: LocalizedText?

    /// Nothing published.
    public init(results: Moment? = nil, by: [String] = [], note: LocalizedText? = nil) {
        self.results = results
        self.by = by
        self.note = note
    }
}

extension Survey {
    /// Whether the results are public at `date`: `after_close` from `closes` on, `live` from
    /// `opens` on; never without `publish.results`.
    public func isPublished(at date: Date) -> Bool {
        switch publish.results {
        case nil: return false
        case .afterClose?: return closes.map { date >= $0.instant } ?? false
        case .live?: return opens.map { date >= $0.instant } ?? true
        }
    }
}

extension SurveyDecoder {
    static let publishKeys = ["results", "by", "note"]

    /// `publish: {results: after_close|live, by: [ATTR, …], note: …}`; `attributes` and `closes`
    /// are the survey's, decoded before.
    func decodePublish(_ entry: YAMLEntry, attributes: [String], hasCloses: Bool) -> Publish {
        var publish = Publish()
        guard var fields = fieldsOf(entry.value, "publish") else { return publish }
        let resultsEntry = fields.take("results")
        let byEntry = fields.take("by")
        let noteEntry = fields.take("note")
        reportUnknown(fields, allowed: Self.publishKeys, what: "publish")
        if let resultsEntry, let word = scalarText(resultsEntry.value, "results") {
            if let moment = Publish.Moment(rawValue: word) {
                publish.results = moment
                if moment == .afterClose && !hasCloses {
                    fail(resultsEntry.value.mark, "'results: after_close' needs a 'closes' date; add 'closes: …' or publish 'live'")
                }
            } else {
                fail(resultsEntry.value.mark, "unknown results '\(word)' (expected after_close or live)")
            }
        }
        if let byEntry, let items = scalarList(byEntry.value, "by") {
            for item in items {
                if !attributes.contains(item.value) {
                    fail(item.mark, "'\(item.value)' is not an attribute of this survey (attributes: \(attributes.isEmpty ? "none" : attributes.joined(separator: ", "))); publish breakdowns only by the survey's attributes")
                } else if publish.by.contains(item.value) {
                    fail(item.mark, "'\(item.value)' is listed twice in 'by'")
                } else {
                    publish.by.append(item.value)
                }
            }
        }
        if let noteEntry { publish.note = localized(noteEntry.value, "note") }
        return publish
    }
}
