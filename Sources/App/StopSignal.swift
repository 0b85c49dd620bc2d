import Dispatch
import Foundation
import Glibc

/// SIGINT and SIGTERM as a flag: the first asks to stop (finish what is in flight).
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private var sources: [DispatchSourceSignal] = []
    private var handlers: [@Sendable (Int32) -> Void] = []

    init(signals: [Int32] = [SIGINT, SIGTERM]) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.received(number) }
            source.resume()
            sources.append(source)
        }
    }

    deinit { sources.forEach { $0.cancel() } }

    /// Runs `handler` on every signal (after the flag is set for SIGINT/SIGTERM).
    func onSignal(_ handler: @escaping @Sendable (Int32) -> Void) { lock.withLock { handlers.append(handler) } }

    private func received(_ number: Int32) {
        let current = lock.withLock {
            if number == SIGINT || number == SIGTERM { stopped = true }
            return handlers
        }
        current.forEach { $0(number) }
    }

    var isSet: @Sendable () -> Bool { { [self] in lock.withLock { stopped } } }
}
