import Foundation

/// A survey as an organizer wrote it in `surveys/ID.yml`, decoded and checked.
public struct Survey: Sendable {
    public enum Access: String, Sendable { case invite, open }

    public var id: String
    public var title: LocalizedText
    public var intro: LocalizedText?
    /// The first is the default language.
    public var languages: [String]
    public var access: Access
    public var anonymous: Bool
    public var opens: SurveyDate?
    public var closes: SurveyDate?
    public var timeZone: TimeZone
    /// Participant CSV columns copied into each response for breakdowns.
    public var attributes: [String]
    public var minGroupSize: Int
    public var reminders: Reminders?
    public var mail: MailTemplates
    public var webhooks: [WebhookEndpoint]
    public var questions: [Question]
    /// The pages of the form, in order, together holding every question once; a survey without
    /// `- page:` entries has one page without a title.
    public var pages: [SurveyPage] = [] {
        didSet {
            placeOfQuestionID = [:]
            for (n, page) in pages.enumerated() { for index in page.questions { placeOfQuestionID[questions[index].id] = (n, index) } }
        }
    }
    /// Question id → its page and its index in `questions`, for a form's fields (one lookup per field).
    public private(set) var placeOfQuestionID: [String: (page: Int, question: Int)] = [:]
    /// What `/r/{survey}` publishes (by default nothing).
    public var publish = Publish()
    /// The file the survey was read from, for messages.
    public var sourcePath: String
    /// Changes whenever the file's text changes (FNV-1a of the text), for caches of rendered pages.
    public var fingerprint: UInt64 = 0

    public var defaultLanguage: String { languages[0] }

    public func question(_ id: String) -> Question? { questions.first { $0.id == id } }

    /// Whether the form has more than one page.
    public var isPaged: Bool { pages.count > 1 }

    /// The index of the page that holds the question at `index` of `questions`.
    public func page(ofQuestion index: Int) -> Int {
        pages.firstIndex { $0.questions.contains(index) } ?? 0
    }

    /// Whether answers are accepted at `date`: after `opens` (if set) and before `closes` (if set).
    public func isOpen(at date: Date) -> Bool {
        if let opens, date < opens.instant { return false }
        if let closes, date >= closes.instant { return false }
        return true
    }
}

/// A page of a long survey (`- page: TITLE` in `questions`): its title and intro, and the
/// questions that follow it up to the next page.
public struct SurveyPage: Sendable {
    public var title: LocalizedText?
    public var intro: LocalizedText?
    /// Indexes into `Survey.questions`.
    public var questions: Range<Int>
    public var mark: Mark

    public init(title: LocalizedText?, intro: LocalizedText?, questions: Range<Int>, mark: Mark) {
        self.title = title
        self.intro = intro
        self.questions = questions
        self.mark = mark
    }
}

/// Automatic reminders to those who have not answered.
public struct Reminders: Sendable, Equatable {
    /// Seconds after the invitation (and after each reminder) before the next reminder.
    public var after: Int
    /// The text as written, e.g. `7d`.
    public var afterText: String
    public var max: Int
}

/// The base names of the mail templates in `templates/`.
public struct MailTemplates: Sendable, Equatable {
    public var invitation: String
    public var reminder: String
    public var invitationMark: Mark?
    public var reminderMark: Mark?
}

/// An endpoint for outgoing events.
public struct WebhookEndpoint: Sendable, Equatable {
    public static let eventTypes = ["response.created", "survey.opened", "survey.closed", "mail.failed"]
    public var url: String
    public var events: [String]

    /// Whether `url` is an absolute `https://` or `http://` URL with a host. The scheme is matched
    /// in any case (RFC 3986, 3.1: `HTTPS://` is the same scheme); whether the host may be called
    /// is decided when it is called (Events' EndpointGuard).
    public static func isHTTPURL(_ url: String) -> Bool {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = parts.host, !host.isEmpty else { return false }
        return true
    }
}

/// An `opens`/`closes` moment: the text as written and the instant in the survey's time zone.
public struct SurveyDate: Sendable, Equatable {
    public var text: String
    public var instant: Date
}

/// A text a participant reads: the same in every language, or one string per language.
public struct LocalizedText: Sendable, Equatable {
    public var values: [String: String]
    public var single: String?

    public init(_ text: String) {
        single = text
        values = [:]
    }

    public init(translations: [String: String]) {
        single = nil
        values = translations
    }

    /// The text in `language`, or in the default when that language has none.
    public func text(_ language: String, default fallback: String) -> String {
        single ?? values[language] ?? values[fallback] ?? values["en"] ?? ""
    }
}
