import OSSKit

/// The batch and job a request is sent for. `BatchContext.send` binds it around each client call once the call
/// has its turn under the request limit, so the client's retry callback — which runs in the task that sends —
/// can charge each retried attempt to them.
struct RequestScope: Sendable {
    @TaskLocal static var current: RequestScope?

    let context: BatchContext
    let tally: JobTally
    /// The request's number in the batch's `ServiceReachability`.
    let request: Int

    /// Before each attempt of the current request (`OSSClientConfiguration.beforeAttempt`): held while its
    /// batch's service looks lost; throws when the batch stops while it is held.
    static func beforeAttempt() async throws {
        guard let scope = current else { return }
        try await scope.context.awaitTurn(request: scope.request)
    }

    /// Hands one retry event of the current request to its batch and job (none outside `send`).
    static func retrying(_ event: RetryEvent) {
        guard let scope = current else { return }
        scope.context.retrying(event, tally: scope.tally, request: scope.request)
    }
}
