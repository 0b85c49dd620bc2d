import Foundation
import Store
import Survey

/// The routes of outgoing events from the configuration: nil (events off) without
/// `MITREDEN_EVENTS_SECRET`.
enum EventSetup {
    static func routes(_ config: Configuration, surveys: @escaping @Sendable () -> [String: Survey]) -> EventRoutes? {
        guard config.eventsSecret != nil else { return nil }
        return EventRoutes(surveys: surveys, global: config.eventsURLs)
    }

    /// For a command: the survey files as they are now, read once when first needed.
    static func routes(_ config: Configuration) -> EventRoutes? {
        guard config.eventsSecret != nil else { return nil }
        let catalog = Catalog(directory: config.surveysDirectory)
        return routes(config) { catalog.surveys }
    }

    final class Catalog: @unchecked Sendable {
        let directory: String
        private let lock = NSLock()
        private var loaded: [String: Survey]?
        init(directory: String) { self.directory = directory }

        var surveys: [String: Survey] {
            lock.withLock {
                if let loaded { return loaded }
                let files = (try? SurveyCatalog.files(in: directory)) ?? []
                let surveys = Dictionary(SurveyCatalog.load(files).surveys.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
                loaded = surveys
                return surveys
            }
        }
    }
}
