import Synchronization

/// A clock the test moves: the engine's timing rules (`ServiceReachability`, `RequestPacer`) take a `now`.
final class TestClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)
    var now: ContinuousClock.Instant { instant.withLock { $0 } }
    func advance(_ d: Duration) { instant.withLock { $0 += d } }
}
