import Synchronization

/// Per-job counters, updated by concurrent part uploads.
final class JobTally: Sendable {
    private let state = Mutex((attempts: 0, retries: 0, refusals: 0, bytes: Int64(0), unanswered: false))

    func addAttempts(_ n: Int) { state.withLock { $0.attempts += n } }
    /// One failed attempt that the client sent again.
    func addRetry() { state.withLock { $0.retries += 1 } }
    /// One of those: refused for coming too fast (the batch's pace, not the job's trouble).
    func addRefusal() { state.withLock { $0.refusals += 1 } }
    func addBytes(_ n: Int64) { state.withLock { $0.bytes += n } }
    var attempts: Int { state.withLock { $0.attempts } }
    var retries: Int { state.withLock { $0.retries } }
    var refusals: Int { state.withLock { $0.refusals } }
    var bytes: Int64 { state.withLock { $0.bytes } }
    /// An attempt that got no HTTP answer (a lost answer, a reset) and was sent again: what it sent may have
    /// been done at the server.
    func addUnansweredRetry() { state.withLock { $0.unanswered = true } }
    var hadUnansweredRetry: Bool { state.withLock { $0.unanswered } }
}
