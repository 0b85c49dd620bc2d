import Foundation

/// Signatures of the Standard Webhooks specification: `webhook-id`, `webhook-timestamp`,
/// `webhook-signature: v1,BASE64(HMAC-SHA256(secret, id.timestamp.body))`; the secret is the
/// base64 after `whsec_`; several space-separated signatures may be sent, one valid suffices.
public struct StandardWebhooks: Sendable {
    public enum Failure: Error, Equatable, Sendable {
        case missingHeaders
        case staleTimestamp
        case badSignature
    }

    let key: [UInt8]
    /// How far the timestamp may be from now (seconds).
    public var tolerance: Int = 300

    /// nil when `secret` is not `whsec_` + base64.
    public init?(secret: String) {
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))), !key.isEmpty else { return nil }
        self.key = Array(key)
    }

    /// The `v1,…` signature of a message.
    public func sign(id: String, timestamp: Int, body: [UInt8]) -> String {
        "v1," + Data(HMAC.sha256(key: key, message: Array("\(id).\(timestamp).".utf8) + body)).base64EncodedString()
    }

    /// Checks the headers of a received message against its body: nil when it is genuine.
    public func verify(id: String?, timestamp: String?, signatures: String?, body: [UInt8], now: Date = Date()) -> Failure? {
        guard let id, let timestamp, let signatures, !id.isEmpty, let seconds = Int(timestamp),
              timestamp.allSatisfy(\.isNumber) else { return .missingHeaders }
        guard abs(Int(now.timeIntervalSince1970) - seconds) <= tolerance else { return .staleTimestamp }
        let expected = Array(sign(id: id, timestamp: seconds, body: body).utf8)
        for candidate in signatures.split(separator: " ") where candidate.hasPrefix("v1,") {
            if HMAC.constantTimeEqual(Array(candidate.utf8), expected) { return nil }
        }
        return .badSignature
    }
}
