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
    /// the bearer token of the organizers' API; without it the API is off (404). `moreRoutes`
    /// adds routes of other targets (the organizers' console under `/admin`).
    public init(pool: DatabasePool, writer: ResponseWriter, surveys: @escaping @Sendable () -> [String: Survey],
                webhookSecret: String? = nil, adminToken: String? = nil, bounceAddress: BounceAddress? = nil, frame: PageFrame = .plain,
                moreRoutes: (inout Router) -> Void = { _ in }) {
        var router = Router()
        let unsubscribe = Unsubscribe(pool: pool, surveys: surveys, frame: frame)
        router.add(["GET"], "/u/:token") { request, p in unsubscribe.respond(request, token: p["token"]!, post: false) }
        router.add(["POST"], "/u/:token", blocking: true) { request, p in unsubscribe.respond(request, token: p["token"]!, post: true) }
        let pages = SurveyPages(pool: pool, carriedAnswers: CarriedAnswers(pool: pool), writer: writer, surveys: surveys, frame: frame, now: { Date() })
        router.addDeferred(["GET", "POST"], "/t/:token") { request, p, responder in
            pages.invited(request, token: p["token"]!, post: request.method == "POST").send(to: responder, writer: writer)
        }
        router.addDeferred(["GET", "POST"], "/s/:survey") { request, p, responder in
            pages.open(request, surveyID: p["survey"]!, post: request.method == "POST").send(to: responder, writer: writer)
        }
        router.add(["GET"], "/thanks/:survey") { request, p in pages.thanks(request, surveyID: p["survey"]!) }
        let published = PublicResults(pool: pool, surveys: surveys, frame: frame, now: { Date() })
        router.addDeferred(["GET"], "/r/:survey") { request, p, responder in published.respond(request, surveyID: p["survey"]!, responder) }
        let front = FrontPage(surveys: surveys, frame: frame, now: { Date() })
        let codes = AccessCodePage(pool: pool, frame: frame)
        router.add(["GET", "POST"], "/c") { request, _ in codes.respond(request, code: nil) }
        router.add(["GET"], "/c/:code") { request, p in codes.respond(request, code: p["code"]!) }
        router.add(["GET"], "/") { request, _ in front.response(request) }
        if let secret = webhookSecret, let verifier = StandardWebhooks(secret: secret) {
            let webhook = ResponseWebhook(verifier: verifier, pool: pool, writer: writer, surveys: surveys, now: { Date() })
            router.addDeferred(["POST"], "/hooks/responses") { request, _, responder in webhook.respond(request).send(to: responder, writer: writer) }
        }
        AdminAPI(token: adminToken.map { Array($0.utf8) }, pool: pool, surveys: surveys, bounceAddress: bounceAddress).add(to: &router)
        router.add(["GET"], FormScript.path) { _, _ in FormScript.response }
        let health = HealthProbe(pool: pool)
        router.add(["GET"], "/healthz") { _, _ in health.response() }
        let metrics = self.metrics
        router.add(["GET"], "/metrics", blocking: true) { _, _ in metrics.render(pool, writer) }
        moreRoutes(&router)
        self.router = router
    }

    /// Answers `request` through `responder` (now or after the group commit), counted for `/metrics`.
    public func route(_ request: Request, _ responder: Responder) {
        let metrics = metrics
        let method = request.method
        router.route(request, Responder { response in
            metrics.count(method: method, response)
            responder.send(response)
        })
    }
}

/// `/healthz`: `200 ok` while the database answers. The database is asked at most every half
/// second (a balancer may poll thousands of times a second); the answer in between is the last one.
final class HealthProbe: @unchecked Sendable {
    private let pool: DatabasePool
    private let lock = NSLock()
    private var checkedAt: UInt64 = 0
    private var healthy = false
    static let ok = Response.text(200, "ok")
    static let down = Response.text(503, "the database does not answer")

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func response() -> Response {
        let now = DispatchTime.now().uptimeNanoseconds
        let known: Bool? = lock.withLock { checkedAt > 0 && now - checkedAt < 500_000_000 ? healthy : nil }
        if let known { return known ? Self.ok : Self.down }
        let answer = (try? pool.with { $0.isHealthy() }) ?? false
        lock.withLock { checkedAt = now; healthy = answer }
        return answer ? Self.ok : Self.down
    }
}
