/// Routes by method and path pattern (`/u/:token`); unknown paths get 404, a known path with
/// another method 405 with `Allow`. HEAD is served by GET routes without the body.
public struct Router: Sendable {
    public typealias Handler = @Sendable (Request, [String: String]) -> Response

    struct Route: Sendable {
        let methods: [String]
        let segments: [String]
        let handler: Handler
    }

    private var routes: [Route] = []
    /// What unmatched paths get.
    public var notFound: @Sendable (Request) -> Response = { _ in .text(404, "not found") }

    public init() {}

    public mutating func add(_ methods: [String], _ pattern: String, _ handler: @escaping Handler) {
        routes.append(Route(methods: methods, segments: Self.segments(pattern, decode: false), handler: handler))
    }

    /// The path's segments, each percent-decoded after splitting.
    static func segments(_ path: String, decode: Bool) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            decode ? FormData.unescape(Array($0.utf8)[...], plusIsSpace: false) : String($0)
        }
    }

    public func respond(_ request: Request) -> Response {
        let segments = Self.segments(request.path, decode: true)
        var allowed: [String] = []
        for route in routes {
            guard let parameters = match(route.segments, segments) else { continue }
            let method = request.method == "HEAD" ? "GET" : request.method
            if route.methods.contains(method) { return route.handler(request, parameters) }
            allowed += route.methods
        }
        if !allowed.isEmpty {
            var response = Response.text(405, "method not allowed")
            response.headers.append(("Allow", (allowed.contains("GET") ? allowed + ["HEAD"] : allowed).joined(separator: ", ")))
            return response
        }
        return notFound(request)
    }

    private func match(_ pattern: [String], _ segments: [String]) -> [String: String]? {
        guard pattern.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (p, s) in zip(pattern, segments) {
            if p.hasPrefix(":") {
                guard !s.isEmpty else { return nil }
                parameters[String(p.dropFirst())] = s
            } else if p != s {
                return nil
            }
        }
        return parameters
    }
}
