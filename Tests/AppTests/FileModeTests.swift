import Foundation
import Glibc
import Testing

/// The mode bits of a file or folder (`0o600`).
func mode(_ path: String) -> mode_t {
    var status = stat()
    return stat(path, &status) == 0 ? status.st_mode & 0o777 : 0
}

@Suite("Modes of the files that hold personal data (real binary under umask 022)", .serialized)
struct FileModeTests {
    /// Runs `body` with the usual umask 022, which the binaries started in it inherit.
    func withUsualUmask<T>(_ body: () throws -> T) rethrows -> T {
        let old = umask(0o022)
        defer { umask(old) }
        return try body()
    }

    /// A workspace with `count` participants invited and their mail in the outbox.
    func workspaceWithMail(_ count: Int) throws -> (dir: String, database: String, mail: [String]) {
        let dir = try Binary.workspace()
        try importParticipants(count, into: dir)
        #expect(try Binary.run(["invite", "jugendcheck-2027"], in: dir).status == 0)
        #expect(try Binary.run(["send"], in: dir).status == 0)
        let mail = try FileManager.default.contentsOfDirectory(atPath: dir + "/data/outbox").map { dir + "/data/outbox/" + $0 }
        #expect(mail.count == count)
        return (dir, dir + "/data/mitreden.sqlite", mail)
    }

    @Test("the data and outbox folders are 0700; the database, its WAL and index, the outbox's mail and backups 0600")
    func createdPrivate() throws {
        try withUsualUmask {
            let (dir, database, mail) = try workspaceWithMail(3)
            let token = try run(["sqlite3", database, "SELECT token FROM participants LIMIT 1"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            let (serve, port) = try startServe(in: dir)
            defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
            #expect(try httpClient(port, "POST", "/t/\(token)", form: "alter=15-17&engagiert=no").status == 303)
            #expect(try Binary.run(["backup", dir + "/backup.sqlite"], in: dir).status == 0)

            for folder in [dir + "/data", dir + "/data/outbox"] {
                #expect(mode(folder) == 0o700, "\(folder): \(String(mode(folder), radix: 8))")
            }
            for file in [database, database + "-wal", database + "-shm", dir + "/backup.sqlite"] + mail {
                #expect(FileManager.default.fileExists(atPath: file), "\(file) exists")
                #expect(mode(file) == 0o600, "\(file): \(String(mode(file), radix: 8))")
            }
        }
    }

    @Test("folders and files an older version left open (0755, 0644) are tightened when the daemon starts")
    func olderOnesTightened() throws {
        try withUsualUmask {
            let (dir, database, mail) = try workspaceWithMail(2)
            // As an older version under umask 022 left them, with a WAL and index beside.
            for file in [database + "-wal", database + "-shm"] where !FileManager.default.fileExists(atPath: file) {
                #expect(FileManager.default.createFile(atPath: file, contents: nil))
            }
            for folder in [dir + "/data", dir + "/data/outbox"] { chmod(folder, 0o755) }
            for file in [database, database + "-wal", database + "-shm"] + mail { chmod(file, 0o644) }

            let (serve, _) = try startServe(in: dir)
            defer { kill(serve.processIdentifier, SIGKILL); serve.waitUntilExit() }
            for folder in [dir + "/data", dir + "/data/outbox"] {
                #expect(mode(folder) == 0o700, "\(folder): \(String(mode(folder), radix: 8))")
            }
            for file in [database, database + "-wal", database + "-shm"] + mail {
                #expect(mode(file) == 0o600, "\(file): \(String(mode(file), radix: 8))")
            }
        }
    }
}
