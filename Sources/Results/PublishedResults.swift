import Foundation
import JSON
import Store
import Survey

/// What `/r/{survey}` may show, decided in one place: the results document of `results`, the
/// same tally and the same small-group suppression, with everything that must not be published
/// taken out. Free text never leaves here: text questions are dropped whole, and no question
/// keeps its `answers` or its `other` texts.
public enum PublishedResults {
    /// The published document of `survey` at `date`, or nil while it is not published: the
    /// overall results, one breakdown per attribute of `publish.by` (each a results document's
    /// `groups`, withheld as there), and the organizers' note in `language`.
    public static func document(_ survey: Survey, language: String, database: Database, at date: Date = Date()) throws -> JSONValue? {
        guard survey.isPublished(at: date) else { return nil }
        let attributes: [String?] = survey.publish.by.isEmpty ? [nil] : survey.publish.by
        // Tallied without the free texts: they are never published, so never read.
        let documents = try attributes.map {
            try ResultsDocument(survey: survey, by: $0, language: language, database: database, keepingTexts: false).json()
        }
        let note = survey.publish.note?.text(language, default: survey.defaultLanguage)
        return publishable(documents, note: note)
    }

    /// The published form of results documents of one survey (the first gives the overall
    /// results; each with `by` gives a breakdown).
    public static func publishable(_ documents: [JSONValue], note: String?) -> JSONValue {
        guard let overall = documents.first else { return .object([]) }
        var members: [(String, JSONValue)] = []
        for key in ["survey", "title", "generated_at", "invited", "responses", "response_rate", "min_group_size"] {
            members.append((key, overall[key] ?? .null))
        }
        members.append(("note", note.map(JSONValue.string) ?? .null))
        members.append(("questions", .array(questions(overall["questions"]))))
        let breakdowns = documents.compactMap { document -> JSONValue? in
            guard let by = document["by"] else { return nil }
            return .object([("by", by), ("groups", .array((document["groups"]?.array ?? []).map(group)))])
        }
        members.append(("breakdowns", .array(breakdowns)))
        return .object(members)
    }

    /// The questions that may be published, without free text.
    static func questions(_ list: JSONValue?) -> [JSONValue] {
        (list?.array ?? []).compactMap { q in
            guard q["type"] != .string("text"), case .object(let members) = q else { return nil }
            return .object(members.filter { $0.0 != "answers" && $0.0 != "other" })
        }
    }

    /// A group as published: a withheld one with nothing but its value and that it is withheld.
    static func group(_ g: JSONValue) -> JSONValue {
        guard case .object(let members) = g else { return g }
        if g["suppressed"] == .bool(true) {
            return .object(members.filter { ["value", "invited", "suppressed"].contains($0.0) })
        }
        return .object(members.map { $0.0 == "questions" ? ($0.0, .array(questions($0.1))) : $0 })
    }
}
