/// One connection's state; touched only by its loop's thread (a handler on another thread holds it
/// only to name where its answer goes).
final class Connection: @unchecked Sendable {
    let fd: Int32
    let peer: String
    let peerIsTrustedProxy: Bool
    var input: [UInt8] = []
    var start = 0
    /// Where parsing the request at `start` stopped.
    var progress = RequestParser.Progress()
    /// Which deadline runs: between requests, for the head, or for the body.
    var phase = Phase.idle
    var output: [UInt8] = []
    var written = 0
    /// A handler has the current request and has not answered yet.
    var awaiting = false
    var head = false
    var keepAlive = true
    /// The client closed its side: answer what was read, then close.
    var endOfInput = false
    var closeAfterWrite = false
    /// After a refusal: discard what still comes until `deadline`, then close.
    var lingering = false
    var lingered = 0
    var deadline: UInt64 = 0
    var interest: UInt32 = 0
    var closed = false

    enum Phase { case idle, head, body }

    init(fd: Int32, peer: String, peerIsTrustedProxy: Bool) {
        self.fd = fd
        self.peer = peer
        self.peerIsTrustedProxy = peerIsTrustedProxy
    }

    var hasPartialRequest: Bool { input.count > start }
    var hasOutput: Bool { written < output.count }
    var pendingOutput: Int { output.count - written }
}
