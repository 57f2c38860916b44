import Foundation
import LocalFiles
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `SignalPipe` loses no signal: one raised right after `install` is delivered, each one once.
@Suite(.serialized)
struct SignalPipeTests {
    final class Received: Sendable {
        let signals = Mutex<[Int32]>([])
    }

    @Test func signalsRaisedRightAfterInstallAreEachDeliveredOnce() async throws {
        let received = Received()
        SignalPipe.install([SIGUSR1, SIGUSR2]) { sig in received.signals.withLock { $0.append(sig) } }
        defer { SignalPipe.ignore([SIGUSR1, SIGUSR2]) }
        // raise(3) runs the handler before it returns: none of these can be coalesced or come too early.
        for _ in 0..<50 { raise(SIGUSR1) }
        raise(SIGUSR2)
        let deadline = ContinuousClock.now + .seconds(30)
        while received.signals.withLock({ $0.count }) < 51 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let got = received.signals.withLock { $0 }
        #expect(got.count == 51)
        #expect(got.filter { $0 == SIGUSR1 }.count == 50 && got.last == SIGUSR2)
    }

    @Test func ignoredSignalsNoLongerReachTheCallbackAndDoNotKillTheProcess() async throws {
        let received = Received()
        SignalPipe.install([SIGUSR1]) { sig in received.signals.withLock { $0.append(sig) } }
        SignalPipe.ignore([SIGUSR1])
        raise(SIGUSR1)
        try await Task.sleep(for: .milliseconds(200))
        #expect(received.signals.withLock { $0.isEmpty })
    }

    /// An inner watcher's callback, restored away, hands the signal back to the outer one (`resume --batch`
    /// between its reports), and restoring the outer's state once more leaves the signal ignored.
    @Test func restoredCallbacksTakeTheSignalsAgainInOneStep() async throws {
        let outer = Received()
        let inner = Received()
        SignalPipe.install([SIGUSR2]) { sig in outer.signals.withLock { $0.append(sig) } }
        let saved = SignalPipe.currentCallbacks(of: [SIGUSR2])
        SignalPipe.install([SIGUSR2]) { sig in inner.signals.withLock { $0.append(sig) } }
        raise(SIGUSR2)
        SignalPipe.restore([SIGUSR2], to: saved)
        raise(SIGUSR2)
        let deadline = ContinuousClock.now + .seconds(30)
        func delivered() -> Int { inner.signals.withLock { $0.count } + outer.signals.withLock { $0.count } }
        while delivered() < 2 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        SignalPipe.restore([SIGUSR2], to: [:])
        raise(SIGUSR2)
        try await Task.sleep(for: .milliseconds(200))
        // The pipe's reader may take the first signal after the restore: what matters is that each went to
        // one callback, that the outer one got the second, and that the third went to none.
        #expect(delivered() == 2)
        #expect(outer.signals.withLock { $0.count } >= 1)
    }
}
