import Foundation
import Store

extension Commands {
    static let backup = Command(
        name: "backup",
        arguments: "FILE",
        abstract: "write a consistent copy of the database to FILE, also while serve runs",
        discussion: """
        A snapshot of the whole database (surveys, participants, the mail queue, responses,
        events) in one self-contained file: no WAL file beside it is needed. It is taken in one
        read transaction, so answers stored while it runs are either in it or not, never half.
        FILE must not exist. To restore: stop serve, put the file in place as
        DATA/mitreden.sqlite (remove any mitreden.sqlite-wal and -shm there), start serve.
        """,
        options: [],
        positionals: 1...1,
        examples: ["mitreden backup /var/backups/mitreden/mitreden-$(date +%F).sqlite"],
        run: runBackup)

    static func runBackup(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let path = invocation.positionals[0]
        let database = try Database(directory: config.dataDirectory)
        do {
            try database.backup(to: path)
        } catch let error as BackupError {
            if FileManager.default.fileExists(atPath: path) { throw InputError("mitreden: error: \(error.description)") }
            throw OutsideError(message: error.description)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        Console.out("wrote a backup of \(config.databasePath) to \(path) (\(size / 1024) KiB)")
        return ExitCode.ok
    }
}
