import Synchronization

/// Waits for a task's result in a way the waiter's cancellation ends at once. `await task.value` of an
/// unstructured task ignores the waiter's cancellation: the requests of a halted run that waited on a credential
/// renewal hung in a silent STS could not be stopped, and the run was abandoned. The awaited task goes on (other
/// waiters may still want its result); only this wait ends, with `CancellationError`.
final class CancellableWait<Success: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Success, any Error>?
        var result: Result<Success, any Error>?
    }

    private let state = Mutex(State())

    private init() {}

    /// The value of `task`, or `CancellationError` as soon as the calling task is cancelled.
    static func value(of task: Task<Success, any Error>) async throws -> Success {
        let wait = CancellableWait()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                wait.start(continuation)
                Task { wait.finish(await task.result) }
            }
        } onCancel: {
            wait.finish(.failure(CancellationError()))
        }
    }

    /// Keeps `continuation`, or resumes it at once when a result came first (a cancellation before the wait).
    private func start(_ continuation: CheckedContinuation<Success, any Error>) {
        let early = state.withLock { s -> Result<Success, any Error>? in
            if let result = s.result { return result }
            s.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// The first result wins: the task's, or the cancellation's; later ones do nothing.
    private func finish(_ result: Result<Success, any Error>) {
        let continuation = state.withLock { s -> CheckedContinuation<Success, any Error>? in
            guard s.result == nil else { return nil }
            s.result = result
            defer { s.continuation = nil }
            return s.continuation
        }
        continuation?.resume(with: result)
    }
}
