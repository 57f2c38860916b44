import Foundation
import LocalFiles
import OSSBatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGINT and SIGTERM into calls: the first asks the batch to stop gracefully, a second one makes it
/// stop now. The default actions are replaced (`SignalPipe`, which loses no signal) so the process can save
/// its progress before exiting.
final class SignalWatcher: Sendable {
    private let count = Mutex(0)

    init(onSignal: @escaping @Sendable (_ signal: StopSignal, _ repeated: Bool) -> Void) {
        SignalPipe.install([SIGINT, SIGTERM]) { [self] sig in
            let n = count.withLock {
                $0 += 1
                return $0
            }
            onSignal(sig == SIGINT ? .sigint : .sigterm, n > 1)
        }
    }

    /// Signals from now on are ignored (the batch has ended; the process is about to exit).
    func cancel() {
        SignalPipe.ignore([SIGINT, SIGTERM])
    }
}
