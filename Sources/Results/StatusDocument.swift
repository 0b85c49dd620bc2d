import JSON
import Store
import Survey

/// The mail and response counts of a survey as JSON (`GET /api/surveys/{id}/status`): what
/// `mitreden status` prints. `invited` counts invitations by mail, `invited_by_letter` the
/// printed letters and code cards; the response rate is over both. With `by`, one group per
/// attribute value; the answered count and the rate of groups smaller than `min_group_size`
/// are withheld (`null`, `"suppressed": true`), and where one group is withheld the next
/// smallest is too.
public enum StatusDocument {
    public static func json(_ survey: Survey, by attribute: String?, database: Database) throws -> JSONValue {
        try json(survey, by: attribute, overall: overall(survey, database: database), database: database)
    }

    /// One document by each of `attributes` (the console's survey page): the overall counts
    /// and failures are read once for all of them.
    public static func byEach(_ survey: Survey, attributes: [String], database: Database) throws -> [(String, JSONValue)] {
        let overall = try overall(survey, database: database)
        return try attributes.map { ($0, try json(survey, by: $0, overall: overall, database: database)) }
    }

    /// The members every status document starts with: the survey, its overall counts and failures.
    static func overall(_ survey: Survey, database: Database) throws -> [(String, JSONValue)] {
        let total = try database.mailStatus(surveyID: survey.id).first?.1 ?? MailStatus.empty
        var members: [(String, JSONValue)] = [("survey", .string(survey.id)), ("access", .string(survey.access.rawValue)),
                                              ("anonymous", .bool(survey.anonymous))]
        members += counts(total, withheld: false)
        members.append(("failures", .array(try database.failureReasons(surveyID: survey.id).map {
            .object([("reply", .string($0.reply)), ("count", .int($0.count))])
        })))
        return members
    }

    static func json(_ survey: Survey, by attribute: String?, overall: [(String, JSONValue)], database: Database) throws -> JSONValue {
        var members = overall
        if let attribute {
            let groups = try database.mailStatus(surveyID: survey.id, by: attribute)
            let hidden = SmallGroups.withheld(groups.map(\.1.answered), minimum: survey.minGroupSize)
            members.append(("by", .string(attribute)))
            members.append(("groups", .array(groups.enumerated().map { index, group in
                .object([("value", group.0.map(JSONValue.string) ?? .null)] + counts(group.1, withheld: hidden.contains(index))
                        + [("suppressed", .bool(hidden.contains(index)))])
            })))
        }
        return .object(members)
    }

    static func counts(_ s: MailStatus, withheld: Bool) -> [(String, JSONValue)] {
        [("participants", .int(s.participants)), ("invited", .int(s.invited)), ("invited_by_letter", .int(s.invitedByLetter)),
         ("delivered", .int(s.delivered)),
         ("deferred", .int(s.deferred)), ("failed", .int(s.failed)), ("unknown", .int(s.unknown)),
         ("reminders_delivered", .int(s.remindersDelivered)), ("bounced", .int(s.bounced)), ("unsubscribed", .int(s.unsubscribed)),
         ("answered", withheld ? .null : .int(s.answered)),
         ("response_rate", withheld || s.invitedInAll == 0 ? .null : .double(Statistics.round(Double(s.answered) / Double(s.invitedInAll), 3)))]
    }
}
