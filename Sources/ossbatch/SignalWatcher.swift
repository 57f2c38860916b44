import Foundation
import LocalFiles
import OSSBatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGINT, SIGTERM and SIGHUP into calls: the first asks the batch to stop gracefully, a second one
/// makes it stop now. The default actions are replaced (`SignalPipe`, which loses no signal) so the process
/// can save its progress before exiting. SIGHUP (the terminal of an operator's session closed) ended the
/// process at once, its report left `running` until the next `resume`; it is left alone when the process
/// started with it ignored (`nohup`): the operator asked for the run to outlive the terminal.
///
/// Watchers nest: one made while another watches (a batch's, inside `resume --batch`'s between reports) takes
/// the signals until it is cancelled, then hands them back to the outer one.
final class SignalWatcher: Sendable {
    private let count = Mutex(0)
    private let signals: [Int32]
    /// The callbacks before this watcher's: put back by `cancel`.
    private let outer: [Int32: @Sendable (Int32) -> Void]

    init(onSignal: @escaping @Sendable (_ signal: StopSignal, _ repeated: Bool) -> Void) {
        signals = [SIGINT, SIGTERM] + (SignalPipe.isIgnored(SIGHUP) ? [] : [SIGHUP])
        outer = SignalPipe.currentCallbacks(of: signals)
        SignalPipe.install(signals) { [self] sig in
            let n = count.withLock {
                $0 += 1
                return $0
            }
            onSignal(sig == SIGINT ? .sigint : sig == SIGTERM ? .sigterm : .sighup, n > 1)
        }
    }

    /// Signals from now on go to the watcher this one was made inside, or are ignored when there is none (the
    /// batch has ended; the process is about to exit).
    func cancel() {
        SignalPipe.restore(signals, to: outer)
    }
}
