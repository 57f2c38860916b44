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

    /// Until the pipe's reader has taken a signal more than `count` (at most 30 s).
    static func waitUntilTaken(after count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while SignalPipe.signalsTaken.count == count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
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
        let before = SignalPipe.install([SIGUSR1]) { sig in received.signals.withLock { $0.append(sig) } }
        SignalPipe.ignore([SIGUSR1])
        raise(SIGUSR1)
        // Until the reader has taken it (a late one would reach the next test's callback).
        try await Self.waitUntilTaken(after: before.count)
        #expect(received.signals.withLock { $0.isEmpty })
    }

    /// Signals are counted whether a callback takes them or they are ignored, and `install` says how many were
    /// counted before its callback took over (`resume --batch` sees by it a signal that came between two runs).
    @Test func ignoredSignalsAreCountedAndInstallSaysHowManyCameBefore() async throws {
        let received = Received()
        let before = SignalPipe.install([SIGUSR1]) { sig in received.signals.withLock { $0.append(sig) } }
        SignalPipe.ignore([SIGUSR1])
        raise(SIGUSR1)
        try await Self.waitUntilTaken(after: before.count)
        #expect(SignalPipe.signalsTaken.count == before.count + 1)
        #expect(SignalPipe.signalsTaken.last == SIGUSR1)
        let after = SignalPipe.install([SIGUSR1]) { sig in received.signals.withLock { $0.append(sig) } }
        defer { SignalPipe.ignore([SIGUSR1]) }
        #expect(after.count == before.count + 1 && after.last == SIGUSR1)
        #expect(received.signals.withLock { $0.isEmpty })
    }
}
