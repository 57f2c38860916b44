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
final class SignalWatcher: Sendable {
    private let count = Mutex(0)
    private let signals: [Int32]
    private let takenBefore = Mutex<(count: Int, last: Int32)>((0, 0))

    init(onSignal: @escaping @Sendable (_ signal: StopSignal, _ repeated: Bool) -> Void) {
        signals = [SIGINT, SIGTERM] + (SignalPipe.isIgnored(SIGHUP) ? [] : [SIGHUP])
        let taken = SignalPipe.install(signals) { [self] sig in
            let n = count.withLock {
                $0 += 1
                return $0
            }
            onSignal(StopSignal(number: sig), n > 1)
        }
        takenBefore.withLock { $0 = taken }
    }

    /// `SignalPipe.signalsTaken` as this watcher took the signals over: the signals counted up to it went
    /// elsewhere (ignored between two batches of `resume --batch`).
    var signalsTakenBefore: (count: Int, last: Int32) { takenBefore.withLock { $0 } }

    /// Signals from now on are ignored (the batch has ended; the process is about to exit).
    func cancel() {
        SignalPipe.ignore(signals)
    }
}

extension StopSignal {
    /// SIGINT, SIGTERM or SIGHUP (any other number: SIGHUP, the only other one watched).
    init(number: Int32) { self = number == SIGINT ? .sigint : number == SIGTERM ? .sigterm : .sighup }
}
