import Foundation
import Glibc

/// The data folder holds names, emails and tokens: the folder and the outbox folder are 0700,
/// the database files 0600, whatever the umask. Folders and files that an older version made
/// wider (0755, 0644 under the usual umask 022) are tightened whenever a command opens the
/// database; a file or folder of another user that cannot be changed is left as it is.
public enum DataFolder {
    /// The files SQLite keeps beside the database (the WAL and its shared-memory index).
    static let databaseFiles = ["mitreden.sqlite", "mitreden.sqlite-wal", "mitreden.sqlite-shm"]

    /// Creates `directory` (0700) and an empty database file (0600) in it if they are missing,
    /// so that SQLite, which gives the WAL and index files the mode of the database file, makes
    /// them 0600 too; tightens what is wider.
    /// - Throws: `CocoaError` when the folder cannot be created.
    public static func prepare(_ directory: String) throws {
        try makeFolder(directory)
        let database = (directory as NSString).appendingPathComponent(databaseFiles[0])
        if access(database, F_OK) != 0 {
            // Made under another name and linked into place, so that no descriptor of the
            // database file is ever closed here (that would drop the locks of a connection of
            // this process that opened it meanwhile) and a file another process made meanwhile stays.
            let partial = database + ".new-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            let fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 {
                fchmod(fd, 0o600)
                close(fd)
                link(partial, database)
                unlink(partial)
            }
        }
        tightenDatabaseFiles(directory)
        let outbox = (directory as NSString).appendingPathComponent("outbox")
        if tighten(outbox, to: 0o700) {
            // An outbox an older version left open: its messages too.
            for name in (try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? [] {
                tighten((outbox as NSString).appendingPathComponent(name), to: 0o600)
            }
        }
    }

    /// Tightens the database file and those beside it to 0600: before SQLite opens them, and
    /// again after (a file system without hard links leaves the creation above to SQLite).
    static func tightenDatabaseFiles(_ directory: String) {
        for name in databaseFiles { tighten((directory as NSString).appendingPathComponent(name), to: 0o600) }
    }

    /// Creates `path` and any missing folders above it with mode 0700 (exactly, not as the umask
    /// leaves it); an existing folder wider than that is tightened.
    /// - Throws: `CocoaError` when a folder cannot be created.
    public static func makeFolder(_ path: String) throws {
        if access(path, F_OK) != 0 {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        tighten(path, to: 0o700)
    }

    /// Sets `mode` (0600 or 0700) on the file or folder `path` when it grants anything to its
    /// group or others.
    /// - Returns: whether it was changed.
    @discardableResult
    static func tighten(_ path: String, to mode: mode_t) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & 0o077 != 0,
              (status.st_mode & S_IFMT) == S_IFREG || (status.st_mode & S_IFMT) == S_IFDIR else { return false }
        return chmod(path, mode) == 0
    }
}
