import Dispatch

/// Routes by method and path pattern (`/u/:token`); unknown paths get 404, a known path with
/// another method 405 with `Allow`. HEAD is served by GET routes without the body.
///
/// A route answers in one of three ways: at once on the server's event loop (`add`, for work of
/// microseconds), on a worker thread (`add(blocking: true)`, for work that may take long: a
/// report, a commit of its own), or later through its `Responder` (`addDeferred`, for a
/// response that waits for the group commit without holding any thread).
public struct Router: Sendable {
    public typealias Handler = @Sendable (Request, [String: String]) -> Response
    public typealias DeferredHandler = @Sendable (Request, [String: String], Responder) -> Void

    struct Route: Sendable {
        let methods: [String]
        /// The pattern's segments; a parameter's (`:token`) without its colon.
        let segments: [(text: String, isParameter: Bool)]
        let handler: DeferredHandler
    }

    private var routes: [Route] = []
    /// What unmatched paths get.
    public var notFound: @Sendable (Request) -> Response = { _ in .text(404, "not found") }
    /// Where blocking routes run, so that they never stall an event loop.
    static let workers = DispatchQueue(label: "http-blocking-routes", attributes: .concurrent)

    public init() {}

    public mutating func add(_ methods: [String], _ pattern: String, blocking: Bool = false, _ handler: @escaping Handler) {
        addDeferred(methods, pattern) { request, parameters, responder in
            if blocking {
                Self.workers.async { responder.send(handler(request, parameters)) }
            } else {
                responder.send(handler(request, parameters))
            }
        }
    }

    public mutating func addDeferred(_ methods: [String], _ pattern: String, _ handler: @escaping DeferredHandler) {
        let segments = Self.segments(pattern, decode: false).map { $0.hasPrefix(":") ? (String($0.dropFirst()), true) : ($0, false) }
        routes.append(Route(methods: methods, segments: segments, handler: handler))
    }

    /// The path's segments, each percent-decoded after splitting (bytes, not characters: this runs once per request).
    static func segments(_ path: String, decode: Bool) -> [String] {
        var path = path
        return path.withUTF8 { segments(of: $0, decode: decode) }
    }

    private static func segments(of bytes: UnsafeBufferPointer<UInt8>, decode: Bool) -> [String] {
        var segments: [String] = []
        var start = bytes.firstIndex(of: 0x2F).map { $0 + 1 } ?? bytes.count
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: 0x2F) ?? bytes.count
            let piece = bytes[start..<end]
            segments.append(decode && piece.contains(0x25) ? FormData.unescape(ArraySlice(piece), plusIsSpace: false) : String(decoding: piece, as: UTF8.self))
            start = end + 1
        }
        return segments
    }

    /// Hands `request` to its route; the answer goes to `responder`, now or later.
    public func route(_ request: Request, _ responder: Responder) {
        let segments = Self.segments(request.path, decode: true)
        var allowed: [String] = []
        for route in routes {
            guard let parameters = match(route.segments, segments) else { continue }
            let method = request.method == "HEAD" ? "GET" : request.method
            if route.methods.contains(method) { return route.handler(request, parameters, responder) }
            allowed += route.methods
        }
        if !allowed.isEmpty {
            var response = Response.text(405, "method not allowed")
            response.headers.append(("Allow", (allowed.contains("GET") ? allowed + ["HEAD"] : allowed).joined(separator: ", ")))
            return responder.send(response)
        }
        responder.send(notFound(request))
    }

    /// The answer to `request`, waiting for it when the route answers later.
    public func respond(_ request: Request) -> Response {
        Responder.wait { route(request, $0) }
    }

    private func match(_ pattern: [(text: String, isParameter: Bool)], _ segments: [String]) -> [String: String]? {
        guard pattern.count == segments.count else { return nil }
        for (p, s) in zip(pattern, segments) where p.isParameter ? s.isEmpty : p.text != s { return nil }
        var parameters: [String: String] = [:]
        for (p, s) in zip(pattern, segments) where p.isParameter { parameters[p.text] = s }
        return parameters
    }
}

/// Where the answer to one request goes; `send` may be called from any thread, once.
public final class Responder: @unchecked Sendable {
    private let deliver: @Sendable (Response) -> Void

    public init(_ deliver: @escaping @Sendable (Response) -> Void) {
        self.deliver = deliver
    }

    public func send(_ response: Response) {
        deliver(response)
    }

    /// Runs `start` with a responder and waits until it has been sent to (for tests and callers without a loop).
    public static func wait(_ start: (Responder) -> Void) -> Response {
        final class Box: @unchecked Sendable { var response: Response? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        start(Responder { box.response = $0; done.signal() })
        done.wait()
        return box.response!
    }
}
