import Foundation
import Glibc

/// The exclusive claim of one process on a data folder's mail delivery and background work:
/// `flock(2)` on `DATA/mitreden.lock`, which holds the claiming process's pid. The kernel lets
/// go of it when the process ends, however it ends, so a crash leaves no stale lock.
/// `serve` holds it for its whole run (a second `serve` on the same folder would run a second
/// mail loop, checkpointer and reminder scheduler); `send` holds it while it delivers.
final class DataFolderLock {
    private let fd: Int32

    /// What the one refused is told.
    enum Purpose {
        case serve, send

        func refusal(folder: String, holder pid: String?) -> String {
            let who = pid.map { "pid \($0)" } ?? "another process"
            switch self {
            case .serve:
                return "mitreden: error: 'mitreden' (\(who)) is already running on the data folder \(folder); two daemons "
                    + "would send mail and reminders twice. Stop it first (systemctl stop mitreden, or kill \(pid ?? "PID")), or give this one another --data folder"
            case .send:
                return "mitreden: error: 'mitreden' (\(who)) is already delivering the mail of the data folder \(folder); "
                    + "'mitreden serve' sends the queue on its own, so 'mitreden send' is not needed while it runs (see 'mitreden status')"
            }
        }
    }

    /// Takes the lock, or throws an `InputError` naming the process that holds it.
    init(directory: String, purpose: Purpose) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = (directory as NSString).appendingPathComponent("mitreden.lock")
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw InputError("mitreden: error: cannot open \(path): \(String(cString: strerror(errno))); check the data folder's permissions")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, buffer.count, 0)
            let pid = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
            close(fd)
            throw InputError(purpose.refusal(folder: directory, holder: !pid.isEmpty && pid.allSatisfy(\.isNumber) ? pid : nil))
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, text, text.count, 0)
    }

    deinit {
        _ = ftruncate(fd, 0)
        close(fd)
    }
}
