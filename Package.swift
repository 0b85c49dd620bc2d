// swift-tools-version:6.0
// Mitreden: one daemon, no third-party Swift packages. Foundation, Glibc, Dispatch,
// and the system libraries libsqlite3 and libcurl through the two C targets below.
import PackageDescription

let package = Package(
    name: "mitreden",
    products: [
        .executable(name: "mitreden", targets: ["mitreden"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        .target(name: "CSystem"),

        // Pure layers.
        .target(name: "JSON"),
        .target(name: "Survey", dependencies: ["JSON", "CSV"]),
        .target(name: "CSV"),
        .target(name: "Crypto"),
        // QR codes of our own (ISO/IEC 18004): text → module matrix → one SVG path.
        .target(name: "QR"),
        // Storage: SQLite is the only target that imports CSQLite; Store holds the product's SQL.
        .target(name: "SQLite", dependencies: ["CSQLite"]),
        .target(name: "Store", dependencies: ["SQLite", "Survey", "JSON", "CSystem"]),
        // Mail: templates, MIME messages, the libcurl SMTP client, the queue's delivery, bounces.
        .target(name: "Mail", dependencies: ["Survey", "Store", "SQLite", "JSON", "CCurl", "CSystem"]),
        // Outgoing event webhooks: the queue's delivery over HTTPS (libcurl) with the SSRF guard.
        .target(name: "Events", dependencies: ["Store", "Crypto", "CCurl", "CSystem"]),
        // HTTP/1.1 of our own; knows nothing of surveys.
        .target(name: "HTTP", dependencies: ["CSystem"]),
        // Pages, form handling, the webhook, the organizers' API.
        .target(name: "Web", dependencies: ["HTTP", "Store", "Survey", "Mail", "Crypto", "Results"]),
        // The organizers' console under /admin: sessions, dashboard, survey pages, previews, mailings.
        .target(name: "Console", dependencies: ["HTTP", "Web", "Store", "Survey", "Results", "Mail", "Crypto", "JSON", "Print"]),
        // Print documents: letters, code cards, posters, paper questionnaires (self-contained A4 HTML).
        .target(name: "Print", dependencies: ["Survey", "QR", "Mail", "Store"]),
        // Tallies, breakdowns, suppression and renderers over the stored responses.
        .target(name: "Results", dependencies: ["Survey", "Store", "JSON", "CSV"]),
        // Wiring: configuration, command line, the daemon.
        .target(name: "App", dependencies: ["Survey", "CSV", "SQLite", "Store", "Mail", "HTTP", "Web", "Results", "Events", "Print", "QR", "CSystem", "Console"]),
        .executableTarget(name: "mitreden", dependencies: ["App"]),
        // Fuzz targets (scripts/fuzz builds them with libFuzzer); built normally, a replayer.
        .executableTarget(name: "mitreden-fuzz", dependencies: ["HTTP", "Mail", "Survey"], path: "Fuzz", exclude: ["Regressions"]),

        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "SurveyTests", dependencies: ["Survey", "JSON"], exclude: ["yaml_compare.py"], resources: [.copy("Corpus")]),
        .testTarget(name: "CSVTests", dependencies: ["CSV"]),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Survey", "SQLite"]),
        .testTarget(name: "MailTests", dependencies: ["Mail", "Survey", "Store", "CCurl"], exclude: ["Bounces"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
        .testTarget(name: "EventsTests", dependencies: ["Events"]),
        .testTarget(name: "ResultsTests", dependencies: ["Results", "Survey", "JSON", "Store", "SQLite"]),
        .testTarget(name: "AppTests", dependencies: ["App"]),
        .testTarget(name: "ConsoleTests", dependencies: ["Console", "HTTP", "Store", "Survey", "Web"]),
        .testTarget(name: "PrintTests", dependencies: ["Print", "QR", "Survey", "Store"]),
        .testTarget(name: "QRTests", dependencies: ["QR"], exclude: ["segno_matrix.py"]),
    ],
    swiftLanguageModes: [.v6]
)
