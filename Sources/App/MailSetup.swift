import Foundation
import Mail
import Store
import Survey

/// Builds the mail side from the configuration: the sender address, the transport (SMTP or
/// the outbox folder) and a dispatcher over a database connection.
enum MailSetup {
    static func from(_ config: Configuration) -> MailAddress {
        if let from = config.smtpFrom, let address = MailAddress(parsing: from) { return address }
        let host = URL(string: config.baseURL)?.host ?? "localhost"
        let domain = host.first?.isNumber == true || !host.contains(".") ? "localhost" : host
        return MailAddress(name: "Mitreden", address: "mitreden@\(domain)")
    }

    static func renderer(_ config: Configuration, surveys: [Survey]) -> MailRenderer {
        MailRenderer(surveys: surveys, templatesDirectory: config.templatesDirectory, baseURL: config.baseURL,
                     from: from(config), bounceAddress: config.bounceAddress)
    }

    /// Where the mail goes, as the log and `send` say it.
    static func destination(_ config: Configuration) -> String {
        config.smtpURL.map { "smtp server \(URL(string: $0)?.host ?? $0)" } ?? "outbox folder \(outbox(config))"
    }

    static func outbox(_ config: Configuration) -> String {
        (config.dataDirectory as NSString).appendingPathComponent("outbox")
    }

    /// Makes a connection to the relay, or the outbox writer when no relay is set.
    static func transport(_ config: Configuration) -> @Sendable () -> MailTransport {
        if let url = config.smtpURL {
            let helo = URL(string: config.baseURL)?.host.flatMap { $0.contains(".") ? $0 : nil } ?? from(config).domain
            let settings = SMTPSettings(url: url, user: config.smtpUser, password: config.smtpPassword, tls: config.smtpTLS,
                                        caFile: config.smtpCAFile, heloName: helo)
            return { SMTPConnection(settings: settings) }
        }
        let directory = outbox(config)
        return { OutboxWriter(directory: directory) }
    }

    static func dispatcher(_ config: Configuration, database: Database, surveys: [Survey]) -> MailDispatcher {
        let transport = transport(config)
        let settings = DispatchSettings(connections: config.smtpURL == nil ? 1 : config.smtpConnections,
                                        rate: config.smtpURL == nil ? 0 : config.smtpRate, retryBase: config.smtpRetrySeconds)
        return MailDispatcher(database: database, renderer: renderer(config, surveys: surveys), settings: settings,
                              makeTransport: transport, log: { Log.event($0, $1) })
    }
}
