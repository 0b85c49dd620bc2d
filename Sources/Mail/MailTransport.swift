import Foundation
import Glibc

/// Where messages go: an SMTP server, or the outbox folder when none is configured.
public protocol MailTransport: AnyObject {
    func send(_ message: Message) -> DeliveryOutcome
}

extension SMTPConnection: MailTransport {}

/// Writes each message to `DIR/outbox/*.eml` (complete files only: written, synced, renamed),
/// so a newcomer sees the mail without a mail server.
public final class OutboxWriter: MailTransport {
    let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func send(_ message: Message) -> DeliveryOutcome {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let name = message.messageID.prefix(while: { $0 != "@" })
            let final = "\(directory)/\(name).eml"
            let temporary = "\(directory)/.\(name).tmp"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o640)
            guard fd >= 0 else { return .deferred(reply: "cannot write \(temporary): \(String(cString: strerror(errno)))", slowDown: true) }
            defer { close(fd) }
            var offset = 0
            while offset < message.bytes.count {
                let n = message.bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 {
                    if errno == EINTR { continue }
                    return .deferred(reply: "cannot write \(temporary): \(String(cString: strerror(errno)))", slowDown: true)
                }
                offset += n
            }
            guard fsync(fd) == 0, rename(temporary, final) == 0 else {
                return .deferred(reply: "cannot write \(final): \(String(cString: strerror(errno)))", slowDown: true)
            }
            return .delivered(reply: "250 written to \(final)")
        } catch {
            return .deferred(reply: "cannot create \(directory): \(error)", slowDown: true)
        }
    }
}
