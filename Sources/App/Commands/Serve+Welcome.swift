import Foundation
import Survey

extension Commands {
    /// What `serve` prints once at its start, for whoever started it by hand: where the pages
    /// are, each open survey's link, and how to send a first test of an invite survey.
    static func welcome(_ config: Configuration, surveys: [Survey], port: UInt16, now: Date = Date()) -> String {
        let base = config.baseURL.hasSuffix("/") ? String(config.baseURL.dropLast()) : config.baseURL
        var text = "Mitreden is running: \(base)/ (listening on \(config.listenHost):\(port))\n"
        let sorted = surveys.sorted { $0.id < $1.id }
        let open = sorted.filter { $0.access == .open }
        let invite = sorted.filter { $0.access == .invite }
        func state(_ survey: Survey) -> String {
            if let opens = survey.opens, now < opens.instant { return " (opens \(survey.timestamp(opens.instant).prefix(16).replacingOccurrences(of: "T", with: " ")))" }
            if let closes = survey.closes, now >= closes.instant { return " (closed)" }
            return ""
        }
        if !open.isEmpty {
            text += "Open surveys, one public link each:\n"
            for survey in open { text += "  \(base)/s/\(survey.id)\(state(survey))\n" }
        }
        if !invite.isEmpty {
            text += "Invite surveys, a personal link per participant: \(invite.map { $0.id + state($0) }.joined(separator: ", "))\n"
            let sample = invite.first { $0.isOpen(at: now) } ?? invite[0]
            text += "A first test: put yourself in a CSV (email,name) and run\n"
            text += "  mitreden participants import \(sample.id) test.csv && mitreden invite \(sample.id)\n"
        }
        if surveys.isEmpty { text += "No survey is loaded: put one in \(config.surveysDirectory)/ (see 'mitreden help check') and send SIGHUP.\n" }
        text += "Mail goes to the \(MailSetup.destination(config))"
        text += config.smtpURL == nil ? " (set MITREDEN_SMTP_URL to send it).\n" : ".\n"
        return text
    }
}
