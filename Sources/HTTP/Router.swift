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
        let segments: [Segment]
        let handler: DeferredHandler
    }

    /// A segment of a pattern: bytes to equal, or a parameter (`:token`, named without its colon).
    enum Segment: Sendable {
        case literal([UInt8])
        case parameter(String)
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
        var segments: [Segment] = []
        var path = Array(pattern.utf8)[...]
        if path.first == 0x2F { path = path.dropFirst() }
        for piece in path.split(separator: 0x2F, omittingEmptySubsequences: false) {
            segments.append(piece.first == 0x3A ? .parameter(String(decoding: piece.dropFirst(), as: UTF8.self)) : .literal(Array(piece)))
        }
        routes.append(Route(methods: methods, segments: segments, handler: handler))
    }

    /// Hands `request` to its route; the answer goes to `responder`, now or later.
    public func route(_ request: Request, _ responder: Responder) {
        var path = request.path
        let method = request.method == "HEAD" ? "GET" : request.method
        var allowed: [String] = []
        // The path is matched in place: no array of its segments, a String only for a parameter.
        let found = path.withUTF8 { bytes -> (Route, [String: String])? in
            for route in routes {
                guard let parameters = Self.match(route.segments, bytes) else { continue }
                if route.methods.contains(method) { return (route, parameters) }
                allowed += route.methods
            }
            return nil
        }
        if let (route, parameters) = found { return route.handler(request, parameters, responder) }
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

    /// The parameters when `path` has the pattern's segments: split at '/' after the first, each
    /// percent-decoded after splitting (so `%2F` stays inside its segment); a parameter is not empty.
    private static func match(_ pattern: [Segment], _ path: UnsafeBufferPointer<UInt8>) -> [String: String]? {
        var start = path.firstIndex(of: 0x2F).map { $0 + 1 } ?? path.count
        var parameters: [String: String] = [:]
        for segment in pattern {
            guard start <= path.count else { return nil }   // the path has fewer segments
            let end = path[start...].firstIndex(of: 0x2F) ?? path.count
            let piece = path[start..<end]
            start = end + 1
            let encoded = piece.contains(0x25)
            switch segment {
            case .literal(let text):
                if encoded ? !FormData.unescape(ArraySlice(piece), plusIsSpace: false).utf8.elementsEqual(text) : !piece.elementsEqual(text) { return nil }
            case .parameter(let name):
                guard !piece.isEmpty else { return nil }
                parameters[name] = encoded ? FormData.unescape(ArraySlice(piece), plusIsSpace: false) : String(decoding: piece, as: UTF8.self)
            }
        }
        return start > path.count ? parameters : nil   // nil: the path has more segments
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
