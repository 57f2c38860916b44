import OSSKit
import OSSProtocol
import Synchronization

/// Tells an endpoint that cannot be reached from a network that hiccups, so that a batch aimed at a dead
/// endpoint stops within seconds instead of failing every file after all its retries.
///
/// Only while the service has not answered a single request of this run: then the batch counts as unreachable
/// after `threshold` connection-level failures (refused, DNS, TLS, timeout, reset) from at least two jobs, or
/// as soon as one request has used up its retries on them — or on stalls: an endpoint that accepts
/// connections and never answers (a balancer whose backends are gone) stalls every request, and its jobs
/// failed one wave after another for hours. A stall alone does not count (a slow service, an overloaded
/// machine), only a request that stalled through all its attempts without one answer in the run. Any HTTP
/// answer, whatever its status, proves the service reachable and turns the check off for the rest of the run:
/// later network trouble is left to the per-request retries.
final class ServiceReachability: Sendable {
    /// Connection-level failures (with no answer yet) that make a batch unreachable. Half of the default
    /// `concurrency` (16), so the first wave of requests to a dead endpoint is enough; far more than one
    /// blip (a DNS hiccup, one reset on a reused connection) at the start of a batch.
    static let threshold = 8

    /// Why the batch counts as unreachable.
    struct Verdict: Sendable {
        var failures: Int
        var jobs: Int
        var last: HTTPTransportError
    }

    private struct State {
        var answered = false
        var failures = 0
        var jobs: Set<ObjectIdentifier> = []
        var verdict: Verdict?
    }

    private let state = Mutex(State())

    /// The service answered a request (any HTTP status).
    func answered() {
        state.withLock { $0.answered = true }
    }

    /// One attempt of `job`'s request failed with `error`; `gaveUp` when the client will not retry it.
    /// Returns the verdict the first time the batch counts as unreachable, `nil` otherwise.
    func failed(_ error: HTTPTransportError, job: ObjectIdentifier, gaveUp: Bool) -> Verdict? {
        guard error.isConnectionLevel || (gaveUp && error.isStall) else { return nil }
        return state.withLock { s -> Verdict? in
            guard !s.answered, s.verdict == nil else { return nil }
            s.failures += 1
            s.jobs.insert(job)
            guard gaveUp || (s.failures >= Self.threshold && s.jobs.count >= 2) else { return nil }
            s.verdict = Verdict(failures: s.failures, jobs: s.jobs.count, last: error)
            return s.verdict
        }
    }

    /// Whether `error` is a connection-level failure that, before any answer, ends its job `pending` (the
    /// batch has stopped as unreachable) rather than `failed`.
    func leavesJobPending(_ error: HTTPTransportError) -> Bool {
        (error.isConnectionLevel || error.isStall) && state.withLock { !$0.answered && $0.verdict != nil }
    }
}

extension HTTPTransportError {
    /// A connected transfer that moved slower than the low-speed limit.
    var isStall: Bool {
        if case .stalled = self { return true }
        return false
    }

    /// A failure to reach the service at all: no connection, no trusted TLS session, a reply that is not HTTP
    /// (another service on the port), or the connection dropped before any answer. A connected transfer that stalled (a slow or overloaded service), local
    /// read errors, cancellation and unclassified errors are not.
    var isConnectionLevel: Bool {
        switch self {
        case .connect, .timeout, .reset, .tls, .certificate, .notHTTP: return true
        case .stalled, .bodyRead, .responseTooLarge, .cancelled, .other: return false
        }
    }
}
