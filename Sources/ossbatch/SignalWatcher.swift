import Dispatch
import Foundation
import OSSBatch

/// Turns SIGINT and SIGTERM into calls: the first asks the batch to stop gracefully, a second one makes it
/// stop now. The default actions are replaced so the process can save its progress before exiting.
final class SignalWatcher: @unchecked Sendable {
    // Sources are created once in init and only cancelled in `cancel`; the handler runs on `queue`.
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "ossbatch.signals")
    private var count = 0

    init(onSignal: @escaping @Sendable (_ signal: StopSignal, _ repeated: Bool) -> Void) {
        // A parent (a test runner, some supervisors) may have blocked these signals; children inherit masks.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
        for (sig, stopSignal) in [(SIGINT, StopSignal.sigint), (SIGTERM, StopSignal.sigterm)] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [unowned self] in
                // Dispatch coalesces signals that arrive before the handler runs: `data` says how many came.
                self.count += max(1, Int(source.data))
                onSignal(stopSignal, self.count > 1)
            }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
