import Foundation
import Glibc
import Store

/// Where messages go: an SMTP server, or the outbox folder when none is configured.
public protocol MailTransport: AnyObject {
    func send(_ message: Message) -> DeliveryOutcome
}

extension SMTPConnection: MailTransport {}

/// Writes each message to `DIR/outbox/*.eml` (complete files only: written, synced, renamed),
/// so a newcomer sees the mail without a mail server. The messages hold names and addresses:
/// the folder is 0700 and each file 0600, whatever the umask (`DataFolder`).
public final class OutboxWriter: MailTransport {
    let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func send(_ message: Message) -> DeliveryOutcome {
        do {
            try DataFolder.makeFolder(directory)
            let name = message.messageID.prefix(while: { $0 != "@" })
            let final = "\(directory)/\(name).eml"
            let temporary = "\(directory)/.\(name).tmp"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return .deferred(reply: "cannot write \(temporary): \(String(cString: strerror(errno)))", slowDown: true) }
            defer { close(fd) }
            fchmod(fd, 0o600)   // also a leftover of an older version's, which O_TRUNC keeps
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
