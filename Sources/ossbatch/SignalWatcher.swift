import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into calls: the first asks the batch to stop gracefully, a second one makes it
/// stop now. The default actions are replaced so the process can save its progress before exiting.
final class SignalWatcher: @unchecked Sendable {
    // Sources are created once in init and only cancelled in `cancel`; the handler runs on `queue`.
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "ossbatch.signals")
    private var count = 0

    init(onSignal: @escaping @Sendable (_ name: String, _ repeated: Bool) -> Void) {
        for (sig, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [unowned self] in
                self.count += 1
                onSignal(name, self.count > 1)
            }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
