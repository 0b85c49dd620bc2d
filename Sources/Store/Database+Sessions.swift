import Foundation
import SQLite

/// Sessions of the organizers' console. The caller passes a hash of the session id (never the id
/// itself), so the table alone signs nobody in. A session lives while it is used: it ends
/// `idle` seconds after its last use.
extension Database {
    /// Records a new session; sessions idle for longer than `idle` are deleted on the way.
    public func createAdminSession(idHash: String, idle: TimeInterval, now: Date = Date()) throws {
        try connection.transaction {
            try connection.run("DELETE FROM admin_sessions WHERE last_seen_at < ?", [.text(Database.now(now.addingTimeInterval(-idle)))])
            try connection.run("INSERT INTO admin_sessions (id_hash, created_at, last_seen_at) VALUES (?1, ?2, ?2)",
                               [.text(idHash), .text(Database.now(now))])
        }
    }

    /// Whether the session is alive; if so its last use becomes `now` (written at most once a
    /// minute, so that reading pages costs no write each). An expired session is deleted.
    public func touchAdminSession(idHash: String, idle: TimeInterval, now: Date = Date()) throws -> Bool {
        guard let lastSeen = try connection.row("SELECT last_seen_at FROM admin_sessions WHERE id_hash = ?", [.text(idHash)])?.text("last_seen_at") else {
            return false
        }
        if lastSeen < Database.now(now.addingTimeInterval(-idle)) {
            try connection.run("DELETE FROM admin_sessions WHERE id_hash = ?", [.text(idHash)])
            return false
        }
        if lastSeen < Database.now(now.addingTimeInterval(-60)) {
            try connection.run("UPDATE admin_sessions SET last_seen_at = ? WHERE id_hash = ?", [.text(Database.now(now)), .text(idHash)])
        }
        return true
    }

    /// Ends a session (sign-out).
    public func deleteAdminSession(idHash: String) throws {
        try connection.run("DELETE FROM admin_sessions WHERE id_hash = ?", [.text(idHash)])
    }
}

extension QueuedMail {
    /// A mail that is in no queue, for the console's previews and test mails: rendered like a
    /// queued one, but sent (if at all) outside the queue and counted nowhere.
    public static func unqueued(surveyID: String, kind: String, email: String, name: String?, language: String?,
                                attributes: String = "{}", token: String, messageID: String) -> QueuedMail {
        QueuedMail(id: 0, surveyID: surveyID, kind: kind, sequence: 0, attempts: 0, messageID: messageID, envelopeID: "preview",
                   email: email, name: name, language: language, attributes: attributes, token: token)
    }
}
