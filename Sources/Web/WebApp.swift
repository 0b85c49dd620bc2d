import Crypto
import Foundation
import HTTP
import Mail
import Store
import Survey

/// The daemon's HTTP side: which path does what. Survey pages, the webhook and the API join
/// here as they are built.
public struct WebApp: Sendable {
    public let router: Router
    let metrics = Metrics()

    /// `webhookSecret`: `whsec_…`; without it the response webhook is off (404). `adminToken`:
    /// the bearer token of the organizers' API; without it the API is off (404).
    public init(pool: DatabasePool, writer: ResponseWriter, surveys: @escaping @Sendable () -> [String: Survey],
                webhookSecret: String? = nil, adminToken: String? = nil, bounceAddress: BounceAddress? = nil, frame: PageFrame = .plain) {
        var router = Router()
        let unsubscribe = Unsubscribe(pool: pool, surveys: surveys, frame: frame)
        router.add(["GET"], "/u/:token") { request, p in unsubscribe.respond(request, token: p["token"]!, post: false) }
        router.add(["POST"], "/u/:token") { request, p in unsubscribe.respond(request, token: p["token"]!, post: true) }
        let pages = SurveyPages(pool: pool, writer: writer, surveys: surveys, frame: frame, now: { Date() })
        router.add(["GET"], "/t/:token") { request, p in pages.invited(request, token: p["token"]!, post: false) }
        router.add(["POST"], "/t/:token") { request, p in pages.invited(request, token: p["token"]!, post: true) }
        router.add(["GET"], "/s/:survey") { request, p in pages.open(request, surveyID: p["survey"]!, post: false) }
        router.add(["POST"], "/s/:survey") { request, p in pages.open(request, surveyID: p["survey"]!, post: true) }
        router.add(["GET"], "/thanks/:survey") { request, p in pages.thanks(request, surveyID: p["survey"]!) }
        if let secret = webhookSecret, let verifier = StandardWebhooks(secret: secret) {
            let webhook = ResponseWebhook(verifier: verifier, pool: pool, writer: writer, surveys: surveys, now: { Date() })
            router.add(["POST"], "/hooks/responses") { request, _ in webhook.respond(request) }
        }
        AdminAPI(token: adminToken.map { Array($0.utf8) }, pool: pool, surveys: surveys, bounceAddress: bounceAddress).add(to: &router)
        router.add(["GET"], FormScript.path) { _, _ in FormScript.response }
        router.add(["GET"], "/healthz") { _, _ in
            ((try? pool.with { $0.isHealthy() }) ?? false) ? .text(200, "ok") : .text(503, "the database does not answer")
        }
        let metrics = self.metrics
        router.add(["GET"], "/metrics") { _, _ in metrics.render(pool) }
        self.router = router
    }

    public func respond(_ request: Request) -> Response {
        let response = router.respond(request)
        metrics.count(request, response)
        return response
    }
}
