import Crypto
import Foundation
import HTTP
import Store

/// The answers of earlier pages that an open survey's paged form carries in a hidden field, so
/// that nothing is kept on the server before the last page: `REACHED.BASE64(fields).BASE64(mac)`,
/// the MAC an HMAC-SHA256 over the purpose (a form, or the console's preview), the survey id,
/// the page reached and the fields, with a key the daemon keeps in its database (`daemon_keys`,
/// made on first use). A field changed between pages, or carried to another survey or from a
/// preview to a form, no longer matches and is refused.
final class CarriedAnswers: @unchecked Sendable {
    private let pool: DatabasePool
    private let purpose: String
    private let lock = NSLock()
    private var key: HMAC.Key?

    init(pool: DatabasePool, purpose: String = "form") {
        self.pool = pool
        self.purpose = purpose
    }

    /// The key, read (or made) once.
    private func signingKey() -> HMAC.Key? {
        lock.withLock {
            if key == nil, let bytes = try? pool.with({ try $0.daemonKey("form-pages") }) { key = HMAC.Key(bytes) }
            return key
        }
    }

    private func mac(_ key: HMAC.Key, surveyID: String, reached: Int, payload: Substring) -> [UInt8] {
        key.sign(Array("mitreden-pages\u{0}\(purpose)\u{0}\(surveyID)\u{0}\(reached)\u{0}".utf8) + Array(payload.utf8))
    }

    /// The hidden field's value for `state`; nil when the database gave no key (the page then
    /// carries nothing and the next "Next" starts over on page 1 with a clear message).
    func seal(_ state: PagedState, surveyID: String) -> String? {
        guard let key = signingKey() else { return nil }
        let payload = Data(FormData.encode(state.fields).utf8).base64EncodedString()
        let tag = Data(mac(key, surveyID: surveyID, reached: state.reached, payload: Substring(payload))).base64EncodedString()
        return "\(state.reached).\(payload).\(tag)"
    }

    /// The state in a hidden field's value, if it is one this daemon sealed for this survey.
    func open(_ value: String, surveyID: String) -> PagedState? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].utf8.count <= 4, let reached = Int(parts[0]), reached >= 0, String(reached) == parts[0],
              let given = Data(base64Encoded: String(parts[2])), let key = signingKey(),
              HMAC.constantTimeEqual(Array(given), mac(key, surveyID: surveyID, reached: reached, payload: parts[1])),
              let fields = Data(base64Encoded: String(parts[1])) else { return nil }
        return PagedState(fields: FormData.decode(Array(fields)), reached: reached)
    }

    /// The state a posted form carries: none yet (the first page) when it has no `_carry`
    /// field, nil when the field is not one this daemon sealed for this survey.
    func state(in posted: [(String, String)], surveyID: String) -> PagedState? {
        guard let carried = posted.last(where: { $0.0 == "_carry" })?.1 else { return PagedState(fields: [], reached: 0) }
        return open(carried, surveyID: surveyID)
    }
}
