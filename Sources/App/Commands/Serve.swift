import Dispatch
import Events
import Foundation
import Glibc
import Mail
import Store
import Survey
import HTTP
import Web
import Console

extension Commands {
    static let serve = Command(
        name: "serve",
        arguments: "",
        abstract: "run the daemon: survey pages, webhook, results API, mail queue, reminders",
        discussion: """
        Opens the database (DATA/mitreden.sqlite, created and migrated on start) and loads
        every survey in the surveys folder. A broken survey file is logged and left out.
        The survey files are read again when one in the surveys folder changes (the folder
        is looked at every 2 seconds), and on SIGHUP; a broken file keeps its running version
        and its errors show on the console's list of surveys (/admin).
        SIGTERM and SIGINT (Ctrl-C) stop cleanly. Logs go to stderr, one key=value line per event.

        Settings only read from the environment:
          MITREDEN_SMTP_URL        smtp://host:port (STARTTLS) or smtps://host:port; unset: mail goes to DATA/outbox/*.eml
          MITREDEN_SMTP_USER, MITREDEN_SMTP_PASSWORD   SMTP AUTH (default: none)
          MITREDEN_SMTP_TLS        require, try or none (default require)
          MITREDEN_SMTP_FROM       sender, required with MITREDEN_SMTP_URL
          MITREDEN_SMTP_CONNECTIONS, MITREDEN_SMTP_RATE   parallel connections (4), messages per second (20, 0 = no cap)
          MITREDEN_SMTP_CA_FILE    CA bundle for a relay with a private certificate authority
          MITREDEN_SMTP_RETRY      seconds before the first retry of a deferred message (60, doubling up to an hour)
          MITREDEN_BOUNCE_ADDRESS  envelope sender; {id} becomes the delivery's id (default bounce+{id}@ the From domain)
          MITREDEN_ADMIN_TOKEN     bearer token of the results API and sign-in of the console /admin (unset: both off)
          MITREDEN_WEBHOOK_SECRET  whsec_… secret of the response webhook (unset: webhook off)
          MITREDEN_EVENTS_SECRET   whsec_… secret for outgoing events (unset: events off)
          MITREDEN_EVENTS_URL      endpoints for every event of every survey, space-separated (besides a survey's webhooks:)
          MITREDEN_EVENTS_ALLOW_PRIVATE  1: events may go to http:// and loopback or private addresses
          MITREDEN_EVENTS_TIMEOUT  seconds one event delivery may take (10)
        """,
        positionals: 0...0,
        examples: ["mitreden serve", "MITREDEN_LISTEN=0.0.0.0:8080 mitreden serve --data /var/lib/mitreden"],
        run: runServe)

    static func runServe(_ invocation: Invocation) throws -> Int32 {
        let config = invocation.configuration
        let claim = try DataFolderLock(directory: config.dataDirectory, purpose: .serve)
        defer { withExtendedLifetime(claim) {} }
        let daemon = try Daemon(configuration: config)
        daemon.reloadSurveys()
        let stop = StopSignal(signals: [SIGINT, SIGTERM, SIGHUP])
        let stopped = DispatchSemaphore(value: 0)
        stop.onSignal { signal in
            if signal == SIGHUP {
                daemon.reloadSurveys()
            } else {
                Log.event("stopping", ["signal": signal == SIGINT ? "SIGINT" : "SIGTERM"])
                stopped.signal()
            }
        }
        let watch = SurveyFolderWatch(directory: config.surveysDirectory) { daemon.reloadSurveys() }
        defer { withExtendedLifetime(watch) {} }
        let events = EventSetup.routes(config) { daemon.surveysByID }
        daemon.database.events = events
        let web = WebApp(pool: DatabasePool(directory: config.dataDirectory, events: events),
                         writer: try ResponseWriter(directory: config.dataDirectory, events: events),
                         surveys: { daemon.surveysByID }, webhookSecret: config.webhookSecret, adminToken: config.adminToken,
                         bounceAddress: BounceAddress(pattern: config.bounceAddress, from: MailSetup.from(config)), frame: try pageFrame(config),
                         moreRoutes: { router in try? consoleSetup(config, daemon: daemon, events: events)?.add(to: &router) })
        let server = Server(host: config.listenHost, port: config.listenPort) { request, responder in web.route(request, responder) }
        server.trustedProxies = config.trustedProxies
        let port: UInt16
        do {
            port = try server.start()
        } catch let error as ServerError {
            throw InputError("mitreden: error: \(error.message) (--listen, MITREDEN_LISTEN)")
        }
        let dispatcher = events == nil ? nil : EventDispatcher(directory: config.dataDirectory, secret: config.eventsSecret!,
                                                                allowPrivate: config.eventsAllowPrivate, timeoutMilliseconds: config.eventsTimeoutMilliseconds)
        dispatcher?.start(shouldStop: stop.isSet) { name, fields in Log.event(name, fields) }
        let mail = MailLoop(daemon: daemon, events: events, shouldStop: stop.isSet)
        mail.start()
        Log.event("started", ["listen": "\(config.listenHost):\(port)", "data": config.dataDirectory,
                              "surveys": String(daemon.surveyCount), "mail": MailSetup.destination(config)])
        Console.out(String(welcome(config, surveys: daemon.currentSurveys, port: port).dropLast()))
        stopped.wait()
        server.stop()
        mail.wait()
        dispatcher?.wait()
        Log.event("stopped")
        return ExitCode.ok
    }
}

/// The organizers' console under `/admin`, when `MITREDEN_ADMIN_TOKEN` is set (else nil: the console is off).
func consoleSetup(_ config: Configuration, daemon: Daemon, events: EventRoutes?) throws -> OrganizersConsole? {
    guard let token = config.adminToken, !token.isEmpty else { return nil }
    let settings = ConsoleSettings(
        adminToken: token, baseURL: config.baseURL, templatesDirectory: config.templatesDirectory, from: MailSetup.from(config),
        bounceAddress: config.bounceAddress, mailDestination: MailSetup.destination(config), makeTransport: MailSetup.transport(config),
        loadErrors: { daemon.lastLoadErrors }, reloadSurveys: { daemon.reloadSurveys() }, log: { Log.event($0, $1) })
    return OrganizersConsole(settings: settings, pool: DatabasePool(directory: config.dataDirectory, size: 2, events: events),
                             surveys: { daemon.surveysByID }, frame: try pageFrame(config))
}

/// `templates/page.html`; a broken one stops the start with its error (check finds it first).
func pageFrame(_ config: Configuration) throws -> PageFrame {
    do {
        return try PageFrame.load(directory: config.templatesDirectory)
    } catch let error as TemplateError {
        throw InputError([error.description, "mitreden: error: fix templates/page.html (or remove it) and start again"])
    }
}

/// The running daemon's state: the database and the surveys in force.
final class Daemon: @unchecked Sendable {
    let configuration: Configuration
    let database: Database
    private let lock = NSLock()
    private var surveys: [String: Survey] = [:]
    private var loadErrors: [String] = []

    init(configuration: Configuration) throws {
        self.configuration = configuration
        database = try Database(directory: configuration.dataDirectory)
    }

    var surveyCount: Int { lock.withLock { surveys.count } }

    /// The surveys in force now.
    var currentSurveys: [Survey] { lock.withLock { Array(surveys.values) } }

    var surveysByID: [String: Survey] { lock.withLock { surveys } }

    /// The errors of the survey files at the last load (the console shows them).
    var lastLoadErrors: [String] { lock.withLock { loadErrors } }

    /// One reload at a time (the folder watch, SIGHUP and the console may ask at once), so an
    /// older reading never replaces a newer one.
    private let reloading = NSLock()

    /// Reads the survey files again. A file that no longer reads keeps its running version.
    func reloadSurveys() {
        reloading.lock()
        defer { reloading.unlock() }
        let files: [String]
        do {
            files = try SurveyCatalog.files(in: configuration.surveysDirectory)
        } catch {
            Log.event("surveys_not_loaded", ["reason": "the surveys folder is missing", "folder": configuration.surveysDirectory])
            return
        }
        let catalog = SurveyCatalog.load(files)
        for error in catalog.errors { Log.event("survey_invalid", ["error": error]) }
        lock.withLock {
            loadErrors = catalog.errors
            for survey in catalog.surveys {
                do {
                    try database.register(survey)
                    surveys[survey.id] = survey
                } catch {
                    Log.event("survey_not_registered", ["survey": survey.id, "error": "\(error)"])
                }
            }
        }
        Log.event("surveys_loaded", ["valid": String(catalog.surveys.count), "invalid_files": String(Set(catalog.errors.map { $0.split(separator: ":")[0] }).count)])
    }
}
