import CCurl
import Foundation

/// What the server's reply made of one message.
public enum DeliveryOutcome: Sendable, Equatable {
    /// 2xx to the final '.': the server took responsibility.
    case delivered(reply: String)
    /// 4xx, a timeout or a dropped connection before the message was sent: try again later.
    /// `slowDown` for 421/450/451/454, which ask the whole pool to back off.
    case deferred(reply: String, slowDown: Bool)
    /// 5xx: the server refused for good.
    case failed(reply: String)
    /// The connection failed after the message was sent and before the server answered:
    /// nobody knows whether it was accepted. Never resent automatically.
    case unknown(reason: String)
}

/// How to reach the SMTP server.
public struct SMTPSettings: Sendable {
    public var url: String
    public var user: String?
    public var password: String?
    /// require, try or none.
    public var tls: String
    /// A CA bundle for a relay with a private certificate authority.
    public var caFile: String?
    public var connectTimeout = 15
    public var transferTimeout = 60
    /// The EHLO name.
    public var heloName: String

    public init(url: String, user: String?, password: String?, tls: String, caFile: String?, heloName: String) {
        self.url = url
        self.user = user
        self.password = password
        self.tls = tls
        self.caFile = caFile
        self.heloName = heloName
    }
}

/// One SMTP connection through libcurl: one easy handle, reused for every message, so that
/// the next message goes over the same connection (MAIL FROM directly, no new EHLO or AUTH).
/// Used by one thread at a time.
public final class SMTPConnection {
    private let handle: UnsafeMutableRawPointer
    private let settings: SMTPSettings
    private var upload: [UInt8] = []
    private var uploadOffset = 0
    /// The reply lines of the current message, trimmed, one after another; `replyStarts` marks
    /// where each begins. Kept as bytes: only the line that decides becomes a String.
    private var replyBytes: [UInt8] = []
    private var replyStarts: [Int] = []
    private var recipients: UnsafeMutablePointer<curl_slist>?

    /// libcurl's global state, set up once before the first handle (curl_global_init is not thread-safe).
    private static let library: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    public init(settings: SMTPSettings) {
        Self.library
        handle = curl_easy_init()
        self.settings = settings
        configure()
    }

    /// The options that stay the same for every message (an easy handle keeps its options).
    private func configure() {
        var base = settings.url
        while base.hasSuffix("/") { base.removeLast() }
        let h = handle
        mitreden_curl_setopt_string(h, CURLOPT_URL, base + "/" + settings.heloName)
        mitreden_curl_setopt_long(h, CURLOPT_UPLOAD, 1)
        mitreden_curl_setopt_read(h, CURLOPT_READFUNCTION, smtpRead)
        mitreden_curl_setopt_pointer(h, CURLOPT_READDATA, Unmanaged.passUnretained(self).toOpaque())
        mitreden_curl_setopt_write(h, CURLOPT_HEADERFUNCTION, smtpReply)
        mitreden_curl_setopt_pointer(h, CURLOPT_HEADERDATA, Unmanaged.passUnretained(self).toOpaque())
        mitreden_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        // libcurl allocates its upload buffer anew for every message (its multi_done frees it):
        // 64 KiB by default, while an invitation is a few KiB. 16 KiB is the smallest it allows.
        mitreden_curl_setopt_long(h, CURLOPT_UPLOAD_BUFFERSIZE, 16 * 1024)
        // No proxy from the environment: libcurl would otherwise read *_proxy for every message,
        // and an `all_proxy` set for other programs would send SMTP through an HTTP proxy.
        mitreden_curl_setopt_string(h, CURLOPT_PROXY, "")
        mitreden_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT, settings.connectTimeout)
        mitreden_curl_setopt_long(h, CURLOPT_TIMEOUT, settings.transferTimeout)
        let tls: Int = settings.url.hasPrefix("smtps://") || settings.tls == "require" ? Int(CURLUSESSL_ALL.rawValue)
            : settings.tls == "try" ? Int(CURLUSESSL_TRY.rawValue) : Int(CURLUSESSL_NONE.rawValue)
        mitreden_curl_setopt_long(h, CURLOPT_USE_SSL, tls)
        if let caFile = settings.caFile { mitreden_curl_setopt_string(h, CURLOPT_CAINFO, caFile) }
        if let user = settings.user { mitreden_curl_setopt_string(h, CURLOPT_USERNAME, user) }
        if let password = settings.password { mitreden_curl_setopt_string(h, CURLOPT_PASSWORD, password) }
    }

    deinit {
        if let recipients { curl_slist_free_all(recipients) }
        curl_easy_cleanup(handle)
    }

    /// Sends one message and classifies the server's answer.
    public func send(_ message: Message) -> DeliveryOutcome {
        upload = message.bytes
        uploadOffset = 0
        replyBytes.removeAll(keepingCapacity: true)
        replyStarts.removeAll(keepingCapacity: true)
        if let recipients { curl_slist_free_all(recipients) }
        recipients = curl_slist_append(nil, "<\(message.recipient)>")

        let h = handle
        mitreden_curl_setopt_string(h, CURLOPT_MAIL_FROM, "<\(message.envelopeFrom)>")
        mitreden_curl_setopt_slist(h, CURLOPT_MAIL_RCPT, recipients)
        mitreden_curl_setopt_long(h, CURLOPT_INFILESIZE, upload.count)

        let result = curl_easy_perform(h)
        var code = 0
        mitreden_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &code)
        return Self.classify(result: result, code: code, reply: deciding(code: code), sentEverything: uploadOffset >= upload.count,
                             curlMessage: String(cString: curl_easy_strerror(result)))
    }

    /// The outcome from curl's result, the last reply code and the reply line that goes with it.
    static func classify(result: CURLcode, code: Int, reply line: String?, sentEverything: Bool, curlMessage: String) -> DeliveryOutcome {
        let reply = line.flatMap { $0.isEmpty ? nil : $0 } ?? "\(code) (no text)"
        if result == CURLE_OK { return .delivered(reply: reply) }
        switch code {
        case 354:
            // DATA was accepted and the message was (being) sent, then the connection failed.
            return sentEverything ? .unknown(reason: "\(curlMessage) after the message was sent") : .deferred(reply: "\(curlMessage) while sending", slowDown: false)
        case 400..<500:
            return .deferred(reply: reply, slowDown: [421, 450, 451, 454].contains(code))
        case 500..<600:
            return .failed(reply: reply)
        default:
            return .deferred(reply: "\(curlMessage)\(code > 0 ? " (last reply \(code))" : "")", slowDown: result == CURLE_COULDNT_CONNECT || result == CURLE_OPERATION_TIMEDOUT)
        }
    }

    fileprivate func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let n = min(capacity, upload.count - uploadOffset)
        guard n > 0 else { return 0 }
        upload.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + uploadOffset, byteCount: n)
        }
        uploadOffset += n
        return n
    }

    fileprivate func reply(_ bytes: UnsafeRawBufferPointer) {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D || bytes[end - 1] == 0x20 { end -= 1 }
        guard end > 0 else { return }
        if replyStarts.count >= 50 {   // a long EHLO list: keep the later half
            let cut = replyStarts[25]
            replyBytes.removeFirst(cut)
            replyStarts = replyStarts[25...].map { $0 - cut }
        }
        replyStarts.append(replyBytes.count)
        replyBytes.append(contentsOf: bytes[..<end])
    }

    /// The last reply line that starts with `code`, else the last line.
    private func deciding(code: Int) -> String? {
        let digits = Array(String(code).utf8)
        var chosen: Range<Int>?
        for (i, start) in replyStarts.enumerated().reversed() {
            let line = start..<(i + 1 < replyStarts.count ? replyStarts[i + 1] : replyBytes.count)
            if chosen == nil { chosen = line }
            if replyBytes[line].starts(with: digits) { chosen = line; break }
        }
        return chosen.map { String(decoding: replyBytes[$0], as: UTF8.self) }
    }
}

private func smtpRead(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let buffer, let context else { return 0 }
    return Unmanaged<SMTPConnection>.fromOpaque(context).takeUnretainedValue().read(into: buffer, capacity: size * count)
}

private func smtpReply(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    Unmanaged<SMTPConnection>.fromOpaque(context).takeUnretainedValue().reply(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}
