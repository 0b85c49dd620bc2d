import JSON
import Store
import Survey

extension ResultsTally {
    /// Tallies the stored responses of `survey`, reading them row by row.
    public init(survey: Survey, by: String?, database: Database) throws {
        self.init(survey: survey, by: by)
        try database.forEachResponse(surveyID: survey.id) { add(StoredResponse(survey, $0)) }
    }
}

extension ResultsDocument {
    /// The results document of `survey` from the database, with the invited counts.
    public init(survey: Survey, by: String?, language: String, database: Database) throws {
        let invited = survey.access == .invite ? try database.invitedCounts(surveyID: survey.id, by: by) : nil
        self.init(tally: try ResultsTally(survey: survey, by: by, database: database), language: language,
                  invited: invited?.total, invitedByValue: invited?.byValue ?? [:])
    }
}

extension StoredResponse {
    /// The response of a stored row; members that no longer fit the survey are left out.
    init(_ survey: Survey, _ row: Database.StoredRow) {
        let stored = survey.storedAnswers((try? JSONParser.parse(row.answers)) ?? .object([]))
        self.init(attributes: Dictionary(((try? JSONParser.parse(row.attributes))?.stringMembers ?? []), uniquingKeysWith: { $1 }),
                  answers: stored.answers, other: stored.other)
    }
}
