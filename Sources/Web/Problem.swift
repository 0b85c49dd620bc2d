import HTTP
import JSON

/// An error of the API or the webhook as an RFC 9457 problem document.
struct Problem {
    var status: Int
    var title: String
    var detail: String
    /// One entry per broken answer: `{"question": …, "error": …}`.
    var errors: [(String, String)] = []

    var response: Response {
        var members: [(String, JSONValue)] = [
            ("type", .string("about:blank")), ("title", .string(title)), ("status", .int(status)), ("detail", .string(detail)),
        ]
        if !errors.isEmpty {
            members.append(("errors", .array(errors.map { .object([("question", .string($0.0)), ("error", .string($0.1))]) })))
        }
        return Response(status: status, contentType: "application/problem+json", body: JSONValue.object(members).serialized() + "\n")
    }
}
