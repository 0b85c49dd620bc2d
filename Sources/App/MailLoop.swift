import CSystem
import Foundation
import Mail
import Store
import Survey

/// The daemon's mail thread: every few seconds it queues the automatic reminders that are due
/// and delivers the queue. It has its own database connection. On stop it finishes the mail
/// in flight and records it before `wait()` returns.
final class MailLoop: @unchecked Sendable {
    let daemon: Daemon
    let events: EventRoutes?
    let shouldStop: @Sendable () -> Bool
    let interval: TimeInterval = 2
    private let finished = DispatchSemaphore(value: 0)

    init(daemon: Daemon, events: EventRoutes?, shouldStop: @escaping @Sendable () -> Bool) {
        self.daemon = daemon
        self.events = events
        self.shouldStop = shouldStop
    }

    func start() {
        let thread = Thread { [self] in
            mitreden_name_thread("mail")
            _ = mitreden_batch_thread()   // background work, like the connections' threads
            run()
            finished.signal()
        }
        thread.start()
    }

    func wait() { finished.wait() }

    private func run() {
        let config = daemon.configuration
        let database: Database
        do {
            database = try Database(directory: config.dataDirectory)
        } catch {
            Log.event("mail_stopped", ["error": "\(error)"])
            return
        }
        database.events = events
        while !shouldStop() {
            do {
                let surveys = daemon.currentSurveys
                recordMoments(surveys, database: database)
                queueReminders(surveys, database: database)
                let summary = try MailSetup.dispatcher(config, database: database, surveys: surveys).deliverDue(shouldStop: shouldStop)
                if summary.delivered + summary.deferred + summary.failed + summary.unknown > 0 {
                    Log.event("mail_sent", ["delivered": String(summary.delivered), "deferred": String(summary.deferred),
                                            "failed": String(summary.failed), "unknown": String(summary.unknown)])
                }
            } catch {
                Log.event("mail_error", ["error": "\(error)"])
            }
            var waited: TimeInterval = 0
            while waited < interval && !shouldStop() {
                Thread.sleep(forTimeInterval: 0.1)
                waited += 0.1
            }
        }
    }

    /// `survey.opened` and `survey.closed`, once each, when a survey's `opens` and `closes` have passed.
    private func recordMoments(_ surveys: [Survey], database: Database) {
        let now = Date()
        for survey in surveys {
            do {
                if survey.opens.map({ $0.instant <= now }) ?? true, try database.recordSurveyMoment(survey, closed: false, now: now) {
                    Log.event("survey_opened", ["survey": survey.id])
                }
                if let closes = survey.closes, closes.instant <= now, try database.recordSurveyMoment(survey, closed: true, now: now) {
                    Log.event("survey_closed", ["survey": survey.id])
                }
            } catch {
                Log.event("mail_error", ["survey": survey.id, "error": "\(error)"])
            }
        }
    }

    /// The reminders of `reminders: after` for open invite surveys.
    private func queueReminders(_ surveys: [Survey], database: Database) {
        let now = Date()
        for survey in surveys where survey.access == .invite && survey.isOpen(at: now) {
            guard let reminders = survey.reminders, reminders.max > 0 else { continue }
            do {
                let count = try database.enqueueReminders(surveyID: survey.id, max: reminders.max, after: reminders.after, now: now)
                if count > 0 { Log.event("mail_queued", ["survey": survey.id, "kind": "reminder", "count": String(count)]) }
            } catch {
                Log.event("mail_error", ["survey": survey.id, "error": "\(error)"])
            }
        }
    }
}
