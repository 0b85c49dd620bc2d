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
        /// The surveys whose answers share a half, each with the fewest that may be stored so.
        let shared: [String: Int]

        /// Ids that share nothing.
        static func unshared(_ count: Int) -> Plan { Plan(ids: (0..<count).map { _ in Token.make() }, shared: [:]) }
    }

    /// Shared halves for the surveys with enough answers in `batch`.
    static func plan(_ batch: [NewResponse]) -> Plan {
        var counts: [String: Int] = [:]
        var least: [String: Int] = [:]
        for response in batch {
            counts[response.surveyID, default: 0] += 1
            least[response.surveyID] = max(least[response.surveyID] ?? fewest, response.minGroupSize)
        }
        let shared = least.filter { counts[$0.key]! >= $0.value }
        let prefixes = shared.mapValues { _ in Token.secureRandomBytes(sharedBytes) }
        let ids = batch.map { response in
            prefixes[response.surveyID].map { Token.base64URL($0 + Token.secureRandomBytes(sharedBytes)) } ?? Token.make()
        }
        return Plan(ids: ids, shared: shared)
    }

    /// Throws `TooFew` unless every survey whose answers share a half had at least its minimum
    /// of them stored (or none).
    static func check(_ plan: Plan, _ batch: [NewResponse], _ outcomes: [StoreOutcome]) throws {
        var stored: [String: Int] = [:]
        for (response, outcome) in zip(batch, outcomes) {
            if case .stored = outcome { stored[response.surveyID, default: 0] += 1 }
        }
        for (surveyID, least) in plan.shared {
            let count = stored[surveyID] ?? 0
            if count > 0 && count < least { throw TooFew() }
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
                for (response, id) in zip(responses, plan.ids) { outcomes.append(try insert(response, id: id, now: now)) }
                try ResponseIDs.check(plan, responses, outcomes)
                return outcomes
            }
        }
        do {
            return try store(ResponseIDs.plan(responses))
        } catch is ResponseIDs.TooFew {
            return try store(.unshared(responses.count))
        }
    }
}
