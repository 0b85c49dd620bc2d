import Foundation
import JSON
import Store
import Survey

extension Comparison {
    /// The comparison of `survey` with the earlier wave `earlier`, from their results documents
    /// (each with `by`, labels in `language`, or the earlier survey's first language if it has
    /// not that one).
    public static func json(_ survey: Survey, with earlier: Survey, by: String?, language: String, database: Database) throws -> JSONValue {
        let current = try ResultsDocument(survey: survey, by: by, language: language, database: database).json()
        let earlierLanguage = earlier.languages.contains(language) ? language : earlier.defaultLanguage
        let previous = try ResultsDocument(survey: earlier, by: by, language: earlierLanguage, database: database).json()
        return json(current: current, previous: previous)
    }
}
