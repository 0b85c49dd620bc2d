import Dispatch
import Foundation
import HTTP
import JSON
import Results
import Store
import Survey

/// `GET /r/{survey}[?lang=L]`: the published results (`PublishedResults`), inside the public
/// page frame, in the survey's languages; `404` while the survey publishes nothing (yet).
///
/// The page of a survey and language is computed once and kept: until a response to that
/// survey is stored (and then for at least `minimumAge`, so that under load it is computed at
/// most every few seconds), and never longer than `maximumAge` (answers imported from paper by
/// another process). A cached page is answered on the event loop; computing one runs on a
/// worker thread, one at a time per page, while the others wait for it.
final class PublicResults: @unchecked Sendable {
    let pool: DatabasePool
    let surveys: @Sendable () -> [String: Survey]
    let frame: PageFrame
    let now: @Sendable () -> Date
    static let minimumAge: TimeInterval = 5
    static let maximumAge: TimeInterval = 60

    private struct Key: Hashable { let survey: String; let language: String; let fingerprint: UInt64 }
    /// A page as made, and compressed for the browsers that take gzip (all of them): 29 KB of
    /// tables are 4.5 KB, on a phone's connection and through the loopback alike.
    private struct Entry {
        let response: Response
        let gzipped: Response?
        let madeAt: Date
        let arrivals: Int

        func response(for request: Request) -> Response {
            request.acceptsGzip ? gzipped ?? response : response
        }
    }
    private let lock = NSLock()
    private var pages: [Key: Entry] = [:]
    private var computing: [Key: NSLock] = [:]
    private static let workers = DispatchQueue(label: "public-results", attributes: .concurrent)

    init(pool: DatabasePool, surveys: @escaping @Sendable () -> [String: Survey], frame: PageFrame, now: @escaping @Sendable () -> Date) {
        self.pool = pool
        self.surveys = surveys
        self.frame = frame
        self.now = now
    }

    /// Answers `GET /r/{survey}` through `responder`.
    func respond(_ request: Request, surveyID: String, _ responder: Responder) {
        let date = now()
        guard let survey = surveys()[surveyID], survey.isPublished(at: date) else {
            responder.send(notPublished(request))
            return
        }
        let language = request.queryItem("lang").flatMap { survey.languages.contains($0) ? $0 : nil } ?? survey.defaultLanguage
        let key = Key(survey: survey.id, language: language, fingerprint: survey.fingerprint)
        if let fresh = cached(key, at: date) {
            responder.send(fresh.response(for: request))
            return
        }
        Self.workers.async { [self] in
            switch compute(key, survey, at: date) {
            case .success(let entry): responder.send(entry.response(for: request))
            case .failure(let failure): responder.send(failure.response)
            }
        }
    }

    /// A page that could not be made: 404 (nothing published) or 503 (the database).
    private struct Failure: Error { let response: Response }

    private func cached(_ key: Key, at date: Date) -> Entry? {
        let arrivals = ResponseArrivals.count(key.survey)
        return lock.withLock {
            guard let entry = pages[key] else { return nil }
            let age = date.timeIntervalSince(entry.madeAt)
            return age < Self.minimumAge || (entry.arrivals == arrivals && age < Self.maximumAge) ? entry : nil
        }
    }

    /// The page, computed by one thread at a time; the others wait and take its result.
    private func compute(_ key: Key, _ survey: Survey, at date: Date) -> Result<Entry, Failure> {
        let gate = lock.withLock { () -> NSLock in
            if let gate = computing[key] { return gate }
            let gate = NSLock()
            computing[key] = gate
            return gate
        }
        gate.lock()
        defer { gate.unlock() }
        if let fresh = cached(key, at: now()) { return .success(fresh) }
        let arrivals = ResponseArrivals.count(key.survey)
        let made = now()
        do {
            guard let document = try pool.with({ try PublishedResults.document(survey, language: key.language, database: $0, at: date) }) else {
                return .failure(Failure(response: Page(frame: frame, language: key.language, title: "404", body: "", status: 404).response()))
            }
            let response = page(document, survey, language: key.language)
            let entry = Entry(response: response.varyingByEncoding, gzipped: response.gzipped()?.varyingByEncoding, madeAt: made, arrivals: arrivals)
            lock.withLock {
                if pages.count > 256 { pages.removeAll() }
                pages[key] = entry
            }
            return .success(entry)
        } catch {
            return .failure(Failure(response: .text(503, "the database does not answer; try again in a minute")))
        }
    }

    func page(_ document: JSONValue, _ survey: Survey, language: String) -> Response {
        var body = PublishedResultsPage.body(document, language: language)
        body += LanguageNames.switcher(survey.languages.filter { $0 != language }, label: UIText.html("language", language), path: "/r/\(survey.id)")
        let title = (language == "de" ? "Ergebnisse: " : "Results: ") + survey.title.text(language, default: survey.defaultLanguage)
        var response = Page(frame: frame, language: language, title: title, body: body).response()
        // The same for everyone, and changing: a cache may keep it a few seconds, never a private answer.
        response.headers = response.headers.map { $0.0 == "Cache-Control" ? ($0.0, "public, max-age=5") : $0 }
        return response
    }

    func notPublished(_ request: Request) -> Response {
        let language = request.queryItem("lang") == "en" ? "en" : "de"
        let title = language == "de" ? "Keine veröffentlichten Ergebnisse" : "No published results"
        let text = language == "de" ? "Zu dieser Umfrage sind (noch) keine Ergebnisse veröffentlicht." : "No results of this survey are published (yet)."
        return Page(frame: frame, language: language, title: title, body: "<h1>\(title)</h1>\n<p>\(text)</p>", status: 404).response()
    }

    /// A paragraph linking to the published results of `survey` once they are public, else "".
    static func link(_ survey: Survey, language: String, at date: Date) -> String {
        guard survey.isPublished(at: date) else { return "" }
        let text = language == "de" ? "Die Ergebnisse der Umfrage ansehen" : "See the results of the survey"
        return "<p><a href=\"/r/\(survey.id)?lang=\(HTML.escape(language))\">\(text)</a></p>"
    }
}

/// How many responses this process has stored per survey, so that a cached results page knows
/// when it is out of date.
enum ResponseArrivals {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var counts: [String: Int] = [:]

    /// Notes one more stored response of `survey`.
    static func note(_ survey: String) { lock.withLock { counts[survey, default: 0] += 1 } }

    static func count(_ survey: String) -> Int { lock.withLock { counts[survey] ?? 0 } }
}
