import Crypto
import Foundation
import HTTP
import JSON
import Store
import Survey

/// `POST /hooks/responses`: answers from other systems, signed by the Standard Webhooks
/// scheme. 201 `{"response": ID}` once durably stored; the same webhook-id again gets the
/// first answer and stores nothing. 401 bad or missing signature or a timestamp more than 5
/// minutes off, 404 unknown survey or token, 409 token already answered, 422 answers that break
/// the survey's rules (one entry per problem), 403 survey not open, 413 over 1 MiB (the parser).
struct ResponseWebhook {
    let verifier: StandardWebhooks
    let pool: DatabasePool
    let writer: ResponseWriter
    let surveys: @Sendable () -> [String: Survey]
    let now: @Sendable () -> Date

    /// What the first answer to `webhookID` is kept under: an HMAC of it under the webhook
    /// secret, so that the database never holds the sender's id (it can name a person,
    /// `msg_person_42`), and without the secret no id can be tried against it. Computed by the
    /// signer over the message `receipt.0.ID`: its timestamp 0 is always stale, so no request
    /// can be signed with a stored key.
    func receiptKey(_ webhookID: String) -> String {
        String(verifier.sign(id: "receipt", timestamp: 0, body: Array(webhookID.utf8)).dropFirst(3))
    }

    static let unavailable = Problem(status: 503, title: "Service Unavailable", detail: "the database does not answer; nothing was stored, send it again").response

    func respond(_ request: Request) -> Reply {
        let id = request.header("webhook-id")
        if let failure = verifier.verify(id: id, timestamp: request.header("webhook-timestamp"),
                                         signatures: request.header("webhook-signature"), body: request.body, now: now()) {
            let detail: String
            switch failure {
            case .missingHeaders: detail = "webhook-id, webhook-timestamp and webhook-signature are required"
            case .staleTimestamp: detail = "webhook-timestamp is more than 5 minutes from the server's time; check the sender's clock"
            case .badSignature: detail = "no webhook-signature matches; sign id.timestamp.body with HMAC-SHA256 and the shared secret"
            }
            var response = Problem(status: 401, title: "Unauthorized", detail: detail).response
            response.headers.append(("WWW-Authenticate", "Standard-Webhooks"))
            return .now(response)
        }
        let receipt = id.map(receiptKey)
        do {
            if let receipt, let first = try pool.with({ try $0.webhookReceipt(key: receipt) }) {
                return .now(Response(status: first.status, contentType: "application/json", body: first.body + "\n"))
            }
            let document: JSONValue
            do {
                document = try JSONParser.parse(request.body)
            } catch let error as JSONError {
                return .now(Problem(status: 400, title: "Bad Request", detail: "the body is not valid JSON (\(error))").response)
            }
            guard case .string(let surveyID)? = document["survey"] else {
                return .now(Problem(status: 422, title: "Unprocessable Content", detail: "\"survey\" (the survey id, a string) is required").response)
            }
            guard let survey = surveys()[surveyID] else {
                return .now(Problem(status: 404, title: "Not Found", detail: "there is no survey '\(surveyID)'").response)
            }
            var token: String?
            switch (survey.access, document["token"]) {
            case (.invite, .string(let t)?): token = t
            case (.invite, _):
                return .now(Problem(status: 422, title: "Unprocessable Content", detail: "\"token\" (the participant's personal token) is required for an invite survey").response)
            case (.open, nil), (.open, .null?): token = nil
            case (.open, _):
                return .now(Problem(status: 422, title: "Unprocessable Content", detail: "an open survey takes no \"token\"; leave it out").response)
            }
            guard survey.isOpen(at: now()) else {
                return .now(Problem(status: 403, title: "Forbidden", detail: "the survey '\(survey.id)' is not open now").response)
            }
            let checked = survey.checkJSON(document["answers"] ?? .object([]))
            guard checked.errors.isEmpty else {
                return .now(Problem(status: 422, title: "Unprocessable Content", detail: "some answers break the survey's rules",
                                    errors: checked.errors.map { ($0.question, $0.message) }).response)
            }
            let new = NewResponse(surveyID: survey.id, token: token, anonymous: survey.anonymous, carried: survey.attributes,
                                  answers: checked.json(in: survey), source: "webhook", receiptKey: receipt,
                                  minGroupSize: survey.minGroupSize)
            return .store(new, then: { outcome in
                switch outcome {
                case .stored(let responseID):
                    return Response(status: 201, contentType: "application/json", body: JSONValue.object([("response", .string(responseID))]).serialized() + "\n")
                case .replay(let status, let body):
                    return Response(status: status, contentType: "application/json", body: body + "\n")
                case .alreadyAnswered:
                    return Problem(status: 409, title: "Conflict", detail: "this token has already answered").response
                case .unknownToken:
                    return Problem(status: 404, title: "Not Found", detail: "the token does not belong to a participant of '\(survey.id)'").response
                }
            }, failed: Self.unavailable)
        } catch {
            return .now(Self.unavailable)
        }
    }
}
