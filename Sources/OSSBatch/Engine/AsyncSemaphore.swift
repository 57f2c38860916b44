import DequeModule
import Synchronization

/// A counting semaphore for tasks: `acquire` suspends (without blocking a thread) until a permit is free.
/// Waiters are served first come, first served, so parts of different files interleave fairly.
/// A cancelled waiter stops waiting and throws `CancellationError`; a task already cancelled when it calls
/// `acquire` throws at once, without a permit.
final class AsyncSemaphore: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var permits: Int
        var waiters: Deque<Waiter> = []
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>

    init(permits: Int) {
        state = Mutex(State(permits: max(1, permits)))
    }

    /// Takes a permit, waiting in line for one if none is free.
    ///
    /// Why cancellation cannot be lost: the runtime sets a task's cancelled flag *before* it runs the task's
    /// cancellation handlers, and runs a handler at once (before `operation`) when the task is already
    /// cancelled on entry. The operation reads the flag and enqueues in one critical section, and `onCancel`
    /// looks for the waiter in the same lock. So either the operation's check sees the flag (it throws and
    /// never enqueues), or the enqueue happened first and `onCancel` — which runs after the flag is set, so
    /// after that check — finds the waiter, removes it and resumes it with `CancellationError`. A waiter that
    /// `release` already removed and resumed owns its permit; a late `onCancel` finds nothing and leaves it so.
    /// Each continuation is resumed exactly once: only the one who removes it from `waiters` (or the operation,
    /// for a waiter never enqueued) resumes it.
    func acquire() async throws {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Decision { case granted, cancelled, waiting }
                let decision = state.withLock { s -> Decision in
                    if Task.isCancelled { return .cancelled }
                    if s.permits > 0 && s.waiters.isEmpty {
                        s.permits -= 1
                        return .granted
                    }
                    s.waiters.append(Waiter(id: id, continuation: continuation))
                    return .waiting
                }
                switch decision {
                case .granted: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .waiting: break
                }
            }
        } onCancel: {
            let removed = state.withLock { s -> Waiter? in
                guard let i = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiters.remove(at: i)
            }
            removed?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Takes a permit only if one is free now and nobody waits in line for one; never waits.
    func tryAcquire() -> Bool {
        state.withLock { s in
            guard s.permits > 0 && s.waiters.isEmpty else { return false }
            s.permits -= 1
            return true
        }
    }

    /// Returns a permit: hands it to the longest-waiting task, or puts it back when nobody waits.
    func release() {
        let next = state.withLock { s -> Waiter? in
            guard let first = s.waiters.popFirst() else {
                s.permits += 1
                return nil
            }
            return first
        }
        next?.continuation.resume()
    }

    /// Runs `body` holding one permit.
    func withPermit<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    /// How many tasks are waiting for a permit (for tests and diagnostics).
    var waiterCount: Int { state.withLock { $0.waiters.count } }

    /// How many permits are free.
    var availablePermits: Int { state.withLock { $0.permits } }
}
