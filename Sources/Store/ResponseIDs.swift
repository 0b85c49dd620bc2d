import Foundation

/// The ids of the responses one group commit stores.
///
/// Every id is 18 random bytes, and rows are kept in id order. Fully random ids put each
/// answer on a page of its own: under load one transaction of 64 answers wrote 64 scattered
/// pages, and durable submissions peaked at about 21,000/s (30,000/s with ids that follow the
/// answer order, which anonymous surveys must not have). So the answers to one survey that one
/// transaction stores share their first 9 random bytes (the other 9 stay random each) and land
/// on one page, but only when at least the survey's `min_group_size` of them, and never fewer
/// than 5, are stored. An anonymous answer is then hidden among at least that many submitted in
/// the same few milliseconds: the k-anonymity the results keep. Fewer answers in a transaction
/// (under light load, nearly always one) get fully random ids. Neither the order of the groups
/// nor the order inside one follows the answer order.
enum ResponseIDs {
    /// The fewest stored answers that may share half an id, whatever the survey says.
    static let fewest = 5
    static let sharedBytes = 9

    /// Thrown inside the transaction when fewer answers were stored than planned (some were
    /// replays or came from people who had answered), so that a shared half would mark too few.
    struct TooFew: Error {}

    struct Plan {
        /// One per response of the group.
        let ids: [String]
        /// The surveys of the group, each with the fewest answers that must be stored when its
        /// answers share a half (nil: they share nothing).
        let surveys: [(id: String, least: Int?)]
        /// For each response, its survey's index in `surveys`.
        let survey: [Int]
    }

    /// Shared halves for the surveys with enough answers in `batch` (none when not `shared`).
    /// A group holds answers to one survey or a few, so they are told apart by a short search,
    /// not by hashing their ids, and the random bytes of all ids come from one call.
    static func plan(_ batch: [NewResponse], shared: Bool = true) -> Plan {
        var surveys: [(id: String, count: Int, least: Int)] = []
        var survey: [Int] = []
        survey.reserveCapacity(batch.count)
        for response in batch {
            if let i = surveys.firstIndex(where: { $0.id == response.surveyID }) {
                surveys[i].count += 1
                surveys[i].least = max(surveys[i].least, response.minGroupSize)
                survey.append(i)
            } else {
                surveys.append((response.surveyID, 1, max(fewest, response.minGroupSize)))
                survey.append(surveys.count - 1)
            }
        }
        let idBytes = 2 * sharedBytes
        let random = Token.secureRandomBytes(batch.count * idBytes + surveys.count * sharedBytes)
        let prefixes = surveys.indices.map { i -> ArraySlice<UInt8>? in
            guard shared, surveys[i].count >= surveys[i].least else { return nil }
            let start = batch.count * idBytes + i * sharedBytes
            return random[start..<start + sharedBytes]
        }
        let ids = batch.indices.map { n -> String in
            let own = random[(n * idBytes)..<((n + 1) * idBytes)]
            guard let prefix = prefixes[survey[n]] else { return Token.base64URL(Array(own)) }
            return Token.base64URL(Array(prefix) + own.prefix(sharedBytes))
        }
        return Plan(ids: ids, surveys: surveys.indices.map { (surveys[$0].id, prefixes[$0] == nil ? nil : surveys[$0].least) }, survey: survey)
    }

    /// Throws `TooFew` unless every survey whose answers share a half had at least its minimum
    /// of them stored (or none). `stored`: per survey of the plan, the answers stored.
    static func check(_ plan: Plan, stored: [Int]) throws {
        for (i, survey) in plan.surveys.enumerated() {
            if let least = survey.least, stored[i] > 0 && stored[i] < least { throw TooFew() }
        }
    }
}

extension Database {
    /// Stores a group of responses in one transaction (`ResponseWriter`'s group commit), with
    /// ids from `ResponseIDs`: when fewer were stored than a shared half needs, the transaction
    /// is rolled back and the group stored again with fully random ids.
    /// - Throws: `SQLiteError`; then nothing of the group is stored.
    func storeGroup(_ responses: [NewResponse], now: Date) throws -> [StoreOutcome] {
        func store(_ plan: ResponseIDs.Plan) throws -> [StoreOutcome] {
            try connection.transaction {
                var outcomes: [StoreOutcome] = []
                outcomes.reserveCapacity(responses.count)
                var stored = [Int](repeating: 0, count: plan.surveys.count)   // per survey of the plan
                var storedIDs = [[String]](repeating: [], count: plan.surveys.count)
                for (n, response) in responses.enumerated() {
                    let outcome = try insert(response, id: plan.ids[n], now: now, counted: false)
                    outcomes.append(outcome)
                    if case .stored = outcome {
                        stored[plan.survey[n]] += 1
                        storedIDs[plan.survey[n]].append(plan.ids[n])
                    }
                }
                // One count update per survey, not per answer.
                for (i, count) in stored.enumerated() where count > 0 { try addToCount(plan.surveys[i].id, count) }
                try ResponseIDs.check(plan, stored: stored)
                for (i, ids) in storedIDs.enumerated() where !ids.isEmpty {
                    let anonymous = responses.first { $0.surveyID == plan.surveys[i].id }?.anonymous ?? true
                    try noteForTally(surveyID: plan.surveys[i].id, ids, together: plan.surveys[i].least != nil, anonymous: anonymous)
                }
                return outcomes
            }
        }
        do {
            return try store(ResponseIDs.plan(responses))
        } catch is ResponseIDs.TooFew {
            return try store(ResponseIDs.plan(responses, shared: false))
        }
    }
}
