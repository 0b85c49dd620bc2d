import Dispatch
import Foundation
import Glibc

/// Reloads the survey files when one changes while the daemon runs: every 2 seconds it reads
/// the folder's survey files' names, sizes and modification times (a `stat` each, no file is
/// read) and calls `reload` when they differ from the last look. A poll and not inotify: it
/// also sees files on network and bind-mounted folders, editors that replace a file by
/// renaming, and a folder that is itself replaced; and a cheap look every 2 s is all a typo on
/// the dashboard needs.
final class SurveyFolderWatch: @unchecked Sendable {
    static let interval: DispatchTimeInterval = .seconds(2)

    private let directory: String
    private let reload: @Sendable () -> Void
    private let timer: DispatchSourceTimer
    /// Only the timer's queue touches it.
    private var last: [String]

    init(directory: String, reload: @escaping @Sendable () -> Void) {
        self.directory = directory
        self.reload = reload
        last = Self.fingerprint(directory)
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "mitreden.survey-folder-watch"))
        timer.schedule(deadline: .now() + Self.interval, repeating: Self.interval)
        timer.setEventHandler { [weak self] in self?.look() }
        timer.resume()
    }

    deinit { timer.cancel() }

    private func look() {
        let now = Self.fingerprint(directory)
        guard now != last else { return }
        last = now
        Log.event("surveys_changed", ["folder": directory])
        reload()
    }

    /// One line per survey file: its name, size and modification time in nanoseconds; empty
    /// when the folder cannot be read.
    static func fingerprint(_ directory: String) -> [String] {
        guard let files = try? SurveyCatalog.files(in: directory) else { return [] }
        return files.map { path in
            var info = stat()
            guard stat(path, &info) == 0 else { return path + " missing" }
            return "\(path) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ino)"
        }
    }
}
