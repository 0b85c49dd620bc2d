import Foundation
import Glibc
import Mail
import Survey

/// Everything the daemon and the commands are configured with: global options, each also an
/// environment variable (SPEC.md, "Command line"). Parsed and validated by a pure function
/// before anything starts.
public struct Configuration: Sendable, Equatable {
    public var dataDirectory = "./data"
    public var surveysDirectory = "./surveys"
    public var templatesDirectory = "./templates"
    public var baseURL = "http://127.0.0.1:8080"
    public var listenHost = "127.0.0.1"
    public var listenPort: UInt16 = 8080
    public var smtpURL: String?
    public var smtpUser: String?
    public var smtpPassword: String?
    public var smtpTLS = "require"
    public var smtpFrom: String?
    public var smtpConnections = 4
    public var smtpRate = 20
    public var adminToken: String?
    public var webhookSecret: String?
    public var eventsSecret: String?
    public var eventsAllowPrivate = false
    /// Endpoints that receive every event of every survey (`MITREDEN_EVENTS_URL`, space-separated).
    public var eventsURLs: [String] = []
    /// Milliseconds one event delivery may take.
    public var eventsTimeoutMilliseconds = 10_000
    public var bounceAddress: String?
    /// A CA bundle for a relay whose certificate comes from a private authority.
    public var smtpCAFile: String?
    /// Seconds before the first retry of a deferred message (doubling up to an hour).
    public var smtpRetrySeconds: Double = 60
    /// Reverse proxies whose `X-Forwarded-For` names the client, and whose connections are not
    /// limited per client (`MITREDEN_TRUSTED_PROXIES`, IPv4 addresses separated by commas; empty: none).
    public var trustedProxies: Set<String> = ["127.0.0.1"]

    /// The database file.
    public var databasePath: String { (dataDirectory as NSString).appendingPathComponent("mitreden.sqlite") }

    /// The global options: flag, environment variable, value name, default, meaning.
    static let globalOptions: [(flag: String, env: String, value: String, help: String)] = [
        ("--data", "MITREDEN_DATA", "DIR", "data folder; the database is DIR/mitreden.sqlite (default ./data)"),
        ("--surveys", "MITREDEN_SURVEYS", "DIR", "survey files (default ./surveys)"),
        ("--templates", "MITREDEN_TEMPLATES", "DIR", "mail and page templates (default ./templates)"),
        ("--base-url", "MITREDEN_BASE_URL", "URL", "public address used in links in mails (default http://127.0.0.1:8080)"),
        ("--listen", "MITREDEN_LISTEN", "HOST:PORT", "where serve listens (default 127.0.0.1:8080)"),
    ]

    /// Reads the options given on the command line (flag → value) over the environment.
    /// - Throws: `ConfigurationError` naming the option or variable and what it should be.
    public static func parse(options: [String: String], environment: [String: String]) throws -> Configuration {
        var c = Configuration()
        func value(_ flag: String, _ env: String) -> (String, String)? {
            if let v = options[flag] { return (v, flag) }
            if let v = environment[env], !v.isEmpty { return (v, env) }
            return nil
        }
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let (v, _) = value("--data", "MITREDEN_DATA") { c.dataDirectory = v }
        if let (v, _) = value("--surveys", "MITREDEN_SURVEYS") { c.surveysDirectory = v }
        if let (v, _) = value("--templates", "MITREDEN_TEMPLATES") { c.templatesDirectory = v }
        if let (v, source) = value("--base-url", "MITREDEN_BASE_URL") {
            guard let url = URL(string: v), ["http", "https"].contains(url.scheme ?? ""), url.host != nil, url.query == nil else {
                throw ConfigurationError("\(source) '\(v)' is not an http(s) address such as https://umfrage.lkee.de")
            }
            c.baseURL = v.hasSuffix("/") ? String(v.dropLast()) : v
        }
        if let (v, source) = value("--listen", "MITREDEN_LISTEN") {
            guard let colon = v.lastIndex(of: ":"), let port = UInt16(v[v.index(after: colon)...]), v[v.index(after: colon)...].allSatisfy(\.isNumber) else {
                throw ConfigurationError("\(source) '\(v)' must be HOST:PORT, such as 127.0.0.1:8080")
            }
            var host = String(v[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            c.listenHost = host.isEmpty ? "0.0.0.0" : host
            c.listenPort = port
        }
        if let url = env("MITREDEN_SMTP_URL") {
            guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
                throw ConfigurationError("MITREDEN_SMTP_URL '\(url)' must start with smtp:// (STARTTLS) or smtps:// (implicit TLS)")
            }
            c.smtpURL = url
            guard let from = env("MITREDEN_SMTP_FROM") else {
                throw ConfigurationError("MITREDEN_SMTP_FROM is required with MITREDEN_SMTP_URL, e.g. 'Bildungsbüro Elbe-Elster <bildung@lkee.de>'")
            }
            c.smtpFrom = from
        } else {
            c.smtpFrom = env("MITREDEN_SMTP_FROM")
        }
        c.smtpUser = env("MITREDEN_SMTP_USER")
        c.smtpPassword = env("MITREDEN_SMTP_PASSWORD")
        if let tls = env("MITREDEN_SMTP_TLS") {
            guard ["require", "try", "none"].contains(tls) else { throw ConfigurationError("MITREDEN_SMTP_TLS '\(tls)' must be require, try or none") }
            c.smtpTLS = tls
        }
        if let v = env("MITREDEN_SMTP_CONNECTIONS") {
            guard let n = Int(v), v.allSatisfy(\.isNumber), (1...64).contains(n) else { throw ConfigurationError("MITREDEN_SMTP_CONNECTIONS '\(v)' must be a whole number from 1 to 64") }
            c.smtpConnections = n
        }
        if let v = env("MITREDEN_SMTP_RATE") {
            guard let n = Int(v), v.allSatisfy(\.isNumber), n <= 100_000 else { throw ConfigurationError("MITREDEN_SMTP_RATE '\(v)' must be messages per second, 0 for no cap") }
            c.smtpRate = n
        }
        c.adminToken = env("MITREDEN_ADMIN_TOKEN")
        if let token = c.adminToken, token.count < 16 {
            throw ConfigurationError("MITREDEN_ADMIN_TOKEN is too short (\(token.count) characters); use at least 16 random characters, e.g. from 'openssl rand -hex 32'")
        }
        for (name, keyPath) in [("MITREDEN_WEBHOOK_SECRET", \Configuration.webhookSecret), ("MITREDEN_EVENTS_SECRET", \Configuration.eventsSecret)] {
            guard let secret = env(name) else { continue }
            guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))), key.count >= 16 else {
                throw ConfigurationError("\(name) must be 'whsec_' followed by at least 16 bytes in base64, e.g. whsec_$(openssl rand -base64 32)")
            }
            c[keyPath: keyPath] = secret
        }
        c.eventsAllowPrivate = env("MITREDEN_EVENTS_ALLOW_PRIVATE") == "1"
        c.eventsURLs = (env("MITREDEN_EVENTS_URL") ?? "").split(separator: " ").map(String.init)
        for url in c.eventsURLs where !WebhookEndpoint.isHTTPURL(url) {
            throw ConfigurationError("MITREDEN_EVENTS_URL '\(url)' must be an https:// URL (several separated by spaces)")
        }
        if let v = env("MITREDEN_EVENTS_TIMEOUT") {
            guard let seconds = Double(v), seconds >= 0.1, seconds <= 60 else { throw ConfigurationError("MITREDEN_EVENTS_TIMEOUT '\(v)' must be seconds one delivery may take, e.g. 10") }
            c.eventsTimeoutMilliseconds = Int(seconds * 1000)
        }
        // Relative folders are shown in messages as given, without a leading "./".
        for keyPath in [\Configuration.dataDirectory, \Configuration.surveysDirectory, \Configuration.templatesDirectory] {
            while c[keyPath: keyPath].hasPrefix("./") && c[keyPath: keyPath].count > 2 { c[keyPath: keyPath].removeFirst(2) }
        }
        c.bounceAddress = env("MITREDEN_BOUNCE_ADDRESS")
        if let bounce = c.bounceAddress, !bounce.contains("@") || bounce.contains(" ") {
            throw ConfigurationError("MITREDEN_BOUNCE_ADDRESS '\(bounce)' must be an address pattern such as bounce+{id}@lkee.de")
        }
        c.smtpCAFile = env("MITREDEN_SMTP_CA_FILE")
        if let v = env("MITREDEN_SMTP_RETRY") {
            guard let seconds = Double(v), seconds >= 0.1, seconds <= 86400 else { throw ConfigurationError("MITREDEN_SMTP_RETRY '\(v)' must be seconds before the first retry, e.g. 60") }
            c.smtpRetrySeconds = seconds
        }
        if let from = c.smtpFrom, MailAddress(parsing: from) == nil {
            throw ConfigurationError("MITREDEN_SMTP_FROM '\(from)' must be an address, e.g. 'Bildungsbüro Elbe-Elster <bildung@lkee.de>'")
        }
        if let v = environment["MITREDEN_TRUSTED_PROXIES"] {
            let addresses = v.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            for address in addresses {
                var parsed = in_addr()
                guard inet_pton(AF_INET, address, &parsed) == 1 else {
                    throw ConfigurationError("MITREDEN_TRUSTED_PROXIES '\(address)' must be the IPv4 address of a reverse proxy, e.g. 127.0.0.1 (several separated by commas; empty for none)")
                }
            }
            c.trustedProxies = Set(addresses)
        }
        return c
    }
}

/// A bad option or environment variable.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
