extension Request {
    /// Whether the client takes a gzip-compressed body (`Accept-Encoding`, RFC 9110 §12.5.3):
    /// `gzip` (or `x-gzip`) listed with a weight above 0, or `*` above 0 with gzip not refused.
    /// Every browser sends `gzip`; a client that sends nothing gets the body as it is.
    public var acceptsGzip: Bool {
        var gzip: Bool?, any: Bool?
        for field in headers where field.name == "accept-encoding" {
            for item in field.value.split(separator: ",") {
                let parts = item.split(separator: ";")
                guard let coding = parts.first?.trimmingSpacesAndTabs().lowercased() else { continue }
                var weight = 1.0
                for parameter in parts.dropFirst() {
                    let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingSpacesAndTabs() }
                    if pair.count == 2, pair[0].lowercased() == "q" { weight = Double(pair[1]) ?? 0 }
                }
                if coding == "gzip" || coding == "x-gzip" { gzip = weight > 0 } else if coding == "*" { any = weight > 0 }
            }
        }
        return gzip ?? any ?? false
    }
}

extension Response {
    /// The response with its body compressed for clients that take gzip (`Gzip`), or nil when
    /// that would not make it smaller. Both the compressed and the plain response should say
    /// `Vary: Accept-Encoding` (`varyingByEncoding`), so that caches keep them apart.
    public func gzipped() -> Response? {
        let compressed = Gzip.compress(body)
        guard compressed.count < body.count else { return nil }
        return Response(status: status, headers: headers + [("Content-Encoding", "gzip")], body: compressed)
    }

    /// The response saying that it differs by the client's `Accept-Encoding`.
    public var varyingByEncoding: Response {
        var response = self
        response.headers.append(("Vary", "Accept-Encoding"))
        return response
    }
}
