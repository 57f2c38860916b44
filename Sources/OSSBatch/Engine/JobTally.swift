import Synchronization

/// Per-job counters, updated by concurrent part uploads.
final class JobTally: Sendable {
    private let state = Mutex((attempts: 0, retries: 0, bytes: Int64(0)))

    func addAttempts(_ n: Int) { state.withLock { $0.attempts += n } }
    /// One failed attempt that the client sent again.
    func addRetry() { state.withLock { $0.retries += 1 } }
    func addBytes(_ n: Int64) { state.withLock { $0.bytes += n } }
    var attempts: Int { state.withLock { $0.attempts } }
    var retries: Int { state.withLock { $0.retries } }
    var bytes: Int64 { state.withLock { $0.bytes } }
}
