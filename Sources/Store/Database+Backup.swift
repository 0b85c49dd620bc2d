import Foundation
import Glibc

/// A backup that could not be written where asked.
public struct BackupError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

extension Database {
    /// Writes a consistent, self-contained copy of the database to `path` (SQLite's
    /// `VACUUM INTO`: one read transaction, so it is a snapshot even while `serve` writes, and
    /// the copy needs no WAL beside it). The copy is written under a temporary name, synced,
    /// and then linked to `path`, which never replaces an existing file. It holds names and
    /// emails: it is 0600 whatever the umask (the temporary file is made so before SQLite writes to it).
    /// - Throws: `BackupError` when `path` exists or cannot be written; `SQLiteError`.
    public func backup(to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw BackupError(description: "'\(path)' exists; choose another name (a backup never replaces a file)")
        }
        let partial = path + ".partial-\(getpid())"
        unlink(partial)
        defer { unlink(partial) }
        // VACUUM INTO writes into an empty file it finds and keeps its mode.
        let empty = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard empty >= 0 else { throw BackupError(description: "cannot write '\(partial)': \(String(cString: strerror(errno)))") }
        fchmod(empty, 0o600)
        close(empty)
        try connection.run("VACUUM INTO ?", [.text(partial)])
        let fd = open(partial, O_RDONLY)
        guard fd >= 0 else { throw BackupError(description: "cannot read back '\(partial)': \(String(cString: strerror(errno)))") }
        let synced = fsync(fd) == 0
        close(fd)
        guard synced else { throw BackupError(description: "cannot sync '\(partial)' to disk: \(String(cString: strerror(errno)))") }
        guard link(partial, path) == 0 else {
            throw BackupError(description: errno == EEXIST ? "'\(path)' exists; choose another name (a backup never replaces a file)"
                                                            : "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        let directory = open((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, O_RDONLY)
        if directory >= 0 { fsync(directory); close(directory) }
    }
}
