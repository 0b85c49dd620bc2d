import Foundation
import Glibc

/// Writes to standard output and standard error by file descriptor (Swift 6 rejects the
/// global `stderr` as not concurrency-safe).
enum Console {
    static func out(_ text: String) { write(1, text + "\n") }
    static func err(_ text: String) { write(2, text + "\n") }

    static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }
}

/// One `key=value` line per event on stderr. Never pass emails, tokens, answers or secrets.
enum Log {
    static func event(_ name: String, _ fields: KeyValuePairs<String, String> = [:]) {
        event(name, fields.map { ($0.key, $0.value) })
    }

    static func event(_ name: String, _ fields: [(String, String)]) {
        var line = "ts=\(timestamp()) event=\(name)"
        for (key, value) in fields {
            let needsQuotes = value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" })
            line += " \(key)=" + (needsQuotes ? "\"" + value.replacingOccurrences(of: "\"", with: "'") + "\"" : value)
        }
        Console.err(line)
    }

    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var t = now.tv_sec
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, now.tv_nsec / 1_000_000)
    }
}

/// A count with its noun in the right number: "1 participant", "2 participants", "0 copies".
func counted(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
}
