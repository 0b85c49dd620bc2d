import Foundation
import HTTP
import Store
import Survey

/// The daemon's HTTP side: which path does what. Survey pages, the webhook and the API join
/// here as they are built.
public struct WebApp: Sendable {
    public let router: Router

    public init(pool: DatabasePool, surveys: @escaping @Sendable () -> [String: Survey]) {
        var router = Router()
        let unsubscribe = Unsubscribe(pool: pool, surveys: surveys)
        router.add(["GET"], "/u/:token") { request, p in unsubscribe.respond(request, token: p["token"]!, post: false) }
        router.add(["POST"], "/u/:token") { request, p in unsubscribe.respond(request, token: p["token"]!, post: true) }
        let pages = SurveyPages(pool: pool, surveys: surveys, now: { Date() })
        router.add(["GET"], "/t/:token") { request, p in pages.invited(request, token: p["token"]!, post: false) }
        router.add(["POST"], "/t/:token") { request, p in pages.invited(request, token: p["token"]!, post: true) }
        router.add(["GET"], "/s/:survey") { request, p in pages.open(request, surveyID: p["survey"]!, post: false) }
        router.add(["POST"], "/s/:survey") { request, p in pages.open(request, surveyID: p["survey"]!, post: true) }
        router.add(["GET"], "/thanks/:survey") { request, p in pages.thanks(request, surveyID: p["survey"]!) }
        router.add(["GET"], "/healthz") { _, _ in
            ((try? pool.with { $0.isHealthy() }) ?? false) ? .text(200, "ok") : .text(503, "the database does not answer")
        }
        self.router = router
    }

    public func respond(_ request: Request) -> Response { router.respond(request) }
}
