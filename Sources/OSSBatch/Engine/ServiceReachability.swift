import DequeModule
import OSSKit
import OSSProtocol
import Synchronization

/// Tells an endpoint that cannot be reached, or that was lost during the run, from a network that hiccups,
/// so that a batch aimed at a dead endpoint stops instead of failing every file after all its retries.
///
/// **Before the service has answered a single request of this run**, the batch counts as unreachable after
/// `threshold` connection-level failures (refused, DNS, TLS, timeout, reset) from at least two jobs, or as
/// soon as one request has used up its retries on them — or on stalls: an endpoint that accepts connections
/// and never answers (a balancer whose backends are gone) stalls every request. A stall alone does not count
/// (a slow service, an overloaded machine), only a request that stalled through all its attempts.
///
/// **Once it has answered**, network trouble is left to the per-request retries, unless the service is *lost*:
/// for `lostAfter` (the run's `stall_timeout`, at least a minute) the attempts failed for want of the service —
/// a connection-level failure, a stall, or a server error (5xx but 501) — at least `threshold` of them from at
/// least two jobs, with no sign that the service works: no answer below 500 (or 501), and no request in flight
/// for `longestDeadAttempt` since its attempt began (curl ends an attempt that moves under 1 KiB/s for 30 s, so one
/// that lasts that long is moving bytes: a large file sent slowly beside files the service refuses with 503
/// is a working service). Before this, a service that died at 3 a.m. cost every remaining file all its
/// attempts: days for a large batch, the next night finding it busy.
///
/// **While the service looks lost** (those failures are enough, the window not yet over) its requests are
/// *held* (`turn(for:)`): one attempt goes at a time, every `probeEvery` at most, as a probe (it counts
/// against its request's attempts like any other: `retries.attempts` stays the most any request is tried).
/// Sent anyway, every job met in the window went through all its attempts and failed, each with its line (an
/// audit: 1,986 failed jobs in one cron mail before the stop); held, a few use their attempts up on probes and
/// the rest stay pending for `resume`, and a service back within the window answers a probe and lets them go.
///
/// A refusal for coming too fast (`OSSServiceError.isThrottling`) counts towards the verdict like any 5xx, but
/// towards holding neither way: it is the service there, asking for a slower pace (`RequestPacer` gives it
/// one), not a sign that it works (it must not release requests held for timeouts and say the service is back).
final class ServiceReachability: Sendable {
    /// Connection-level failures (with no answer yet) that make a batch unreachable. Half of the default
    /// `concurrency` (16), so the first wave of requests to a dead endpoint is enough; far more than one
    /// blip (a DNS hiccup, one reset on a reused connection) at the start of a batch. Also the fewest
    /// failures that make a service lost.
    static let threshold = 8
    /// How long an attempt in flight shows the service working: longer than an attempt against an endpoint
    /// that accepts and never answers lasts (the connect timeout, 10 s, then curl's 30 s low-speed window).
    static let longestDeadAttempt: Duration = .seconds(60)

    /// What failed for want of the service.
    enum Failure: Sendable, Equatable, CustomStringConvertible {
        case transport(HTTPTransportError)
        /// An answer with a server error status (5xx but 501), or a refusal for coming too fast (429 too).
        case serverError(OSSServiceError)

        var description: String {
            switch self {
            case .transport(let error): return error.description
            case .serverError(let e): return e.description
            }
        }

        var isStall: Bool {
            if case .transport(let error) = self { return error.isStall }
            return false
        }
    }

    /// Why the batch counts as unreachable.
    struct Verdict: Sendable, Equatable {
        var failures: Int
        var jobs: Int
        var last: Failure
        /// `nil`: the service never answered this run; else how long it has failed since it last worked.
        var lostFor: Duration?
        /// Every failure counted was a server error (5xx): the service answers, but only that (a balancer
        /// without backends, or a service throttling every request), which the message says.
        var onlyServerErrors = false
        /// How many of the failures were refusals for coming too fast.
        var refusals = 0
        /// Most failures counted were such refusals: the service throttles the batch (one reset among 39
        /// refusals does not make it a lost service).
        var mostlyThrottling: Bool { refusals * 2 > failures }
    }

    /// What a request's next attempt does (`turn(for:)`).
    enum Turn: Sendable, Equatable {
        /// Goes: the service is not in doubt.
        case go
        /// Goes as the one probe of a service that looks lost.
        case probe
        /// Waits: the service looks lost and another request is the probe, or was one a moment ago.
        case wait
    }

    /// When requests began or stopped being held, for the log.
    enum HoldChange: Sendable, Equatable {
        /// The service looks lost: `failures` from `jobs` jobs since it last worked, the last of them `last`.
        case began(failures: Int, jobs: Int, last: Failure)
        /// It works again (it answered, or a request lived long enough), after holding them for this long.
        case ended(heldFor: Duration)
    }

    /// Failures counted, and of how many jobs: one job's failures alone are that job's problem.
    private struct FailureCount {
        var failures = 0
        var jobs: Set<ObjectIdentifier> = []

        mutating func add(_ job: ObjectIdentifier) {
            failures += 1
            jobs.insert(job)
        }

        /// At least `threshold` failures from at least two jobs.
        var isEnough: Bool { failures >= ServiceReachability.threshold && jobs.count >= 2 }
    }

    /// Failures since the service last showed it works.
    private struct Outage {
        var since: ContinuousClock.Instant
        var count = FailureCount()
        /// Those that hold the requests: all but refusals for coming too fast (`isThrottling`), which the pacer
        /// answers with a slower pace instead.
        var holding = FailureCount()
        /// How many of the failures were such refusals: when most were, the verdict says the service throttles
        /// the batch, not that it is lost.
        var refusals = 0
        var serverErrorsOnly = true
        var last: Failure
    }

    private struct State {
        var answered = false
        /// Connection-level failures before any answer.
        var unanswered = FailureCount()
        var verdict: Verdict?
        var outage: Outage?
        /// When the current attempt of each request in flight began (after its retry's delay).
        var attemptsInFlight: [Int: ContinuousClock.Instant] = [:]
        var nextRequest = 0
        /// Since when requests are held (the service looks lost), the probe in flight, and when the last went.
        var holdingSince: ContinuousClock.Instant?
        var probe: Int?
        var lastProbe: ContinuousClock.Instant?
        /// The requests held, and their line: the probe is the first in line, so that probes go round the
        /// requests (whichever asked first after a probe's time would be a lottery, and a request drawn often
        /// would use all its attempts up within seconds). The line may still hold requests that ended.
        var held: Set<Int> = []
        var line = Deque<Int>()
        /// Requests whose attempt went (`turn`) and has not failed since: asking again, they were answered.
        var went: Set<Int> = []
    }

    private let state = Mutex(State())
    /// How long the service may fail, once it has answered, before it counts as lost: the window asked for,
    /// but never shorter than `longestDeadAttempt`, so that a request alive that long can show a working
    /// service before the window ends (an audit of a first version that halved the proof for short windows
    /// found every attempt against a silent endpoint counted as alive under `stall_timeout: 60s`).
    let lostAfter: Duration
    /// The least time between two probes while requests are held.
    let probeEvery: Duration
    /// `probeEvery` unless the window is short: a request every 5 s tells a service back within seconds, and
    /// is nothing to a dead one.
    static let defaultProbeEvery: Duration = .seconds(5)
    private let now: @Sendable () -> ContinuousClock.Instant

    init(
        lostAfter: Duration = .seconds(UploadSettings.defaultStallTimeout),
        probeEvery: Duration = defaultProbeEvery,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.lostAfter = max(lostAfter, Self.longestDeadAttempt)
        self.probeEvery = probeEvery
        self.now = now
    }

    /// A request got its turn and is sent now: returns its number for `retrying` and `ended`.
    func began() -> Int {
        let at = now()
        return state.withLock { s in
            defer { s.nextRequest += 1 }
            s.attemptsInFlight[s.nextRequest] = at
            return s.nextRequest
        }
    }

    /// Request `request`'s attempt failed and the next one begins after `delay`.
    func retrying(_ request: Int, after delay: Duration) {
        let at = now()
        state.withLock { s in
            noteAttemptsAlive(&s, at: at)
            if s.attemptsInFlight[request] != nil { s.attemptsInFlight[request] = at + delay }
            s.went.remove(request)
            if s.probe == request { s.probe = nil }
        }
    }

    /// Request `request` waits before its next attempt (paced): not an attempt in flight meanwhile.
    func waiting(_ request: Int) {
        state.withLock { s in _ = s.attemptsInFlight.removeValue(forKey: request) }
    }

    /// Request `request`'s attempt goes now, after waiting (`waiting`): in flight from now.
    func sending(_ request: Int) {
        let at = now()
        state.withLock { s in s.attemptsInFlight[request] = at }
    }

    /// Request `request` ended (answered, failed or cancelled).
    func ended(_ request: Int) {
        let at = now()
        state.withLock { s in
            noteAttemptsAlive(&s, at: at)
            s.attemptsInFlight[request] = nil
            s.held.remove(request)
            s.went.remove(request)
            if s.probe == request { s.probe = nil }
        }
    }

    /// Whether request `request`'s next attempt may go now (asked before each attempt), and whether holding
    /// began or ended with this ask. Requests are held while the service looks lost: it answered this run,
    /// then failed `threshold` times from two jobs or more with no sign of working since, and no verdict yet.
    /// The first in line goes as a probe when none is in flight and the last went `probeEvery` ago. A held
    /// request is not in flight (waiting must not pass for a live attempt); one that goes is, from now.
    ///
    /// A request that went and asks again without its attempt having failed (`retrying`) got an answer: a
    /// page of a listing, or a refusal of its credentials that the client renewed and sends again at once.
    /// That shows the service working (before, such a probe waited in line behind itself, and every request
    /// with it). After a verdict, a held request stays held: the halt that follows cancels it.
    ///
    /// `stopping`: the batch stops (the caller gives a held request up); no probe is handed out then.
    func turn(for request: Int, stopping: Bool = false) -> (Turn, HoldChange?) {
        let at = now()
        return state.withLock { s in
            if s.went.contains(request), s.verdict == nil { s.outage = nil }
            noteAttemptsAlive(&s, at: at)
            // After a verdict the line is kept as it is: every held request waits for the halt.
            if s.verdict != nil {
                return s.held.contains(request) ? (.wait, nil) : (go(&s, request, at: at), nil)
            }
            guard s.answered, let outage = s.outage, outage.holding.isEnough else {
                let change = endHolding(&s, at: at)
                return (go(&s, request, at: at), change)
            }
            var change: HoldChange?
            if s.holdingSince == nil {
                s.holdingSince = at
                change = .began(failures: outage.count.failures, jobs: outage.count.jobs.count, last: outage.last)
            }
            if s.held.insert(request).inserted { s.line.append(request) }
            guard !stopping else {
                s.attemptsInFlight[request] = nil
                return (.wait, change)
            }
            // The first in line still held (requests that ended while held are dropped from the front here).
            while let first = s.line.first, !s.held.contains(first) { s.line.removeFirst() }
            if s.probe == nil, s.lastProbe.map({ at - $0 >= probeEvery }) ?? true, s.line.first == request {
                s.line.removeFirst()
                s.held.remove(request)
                (s.probe, s.lastProbe) = (request, at)
                return (go(&s, request, at: at), change)
            }
            s.attemptsInFlight[request] = nil
            return (.wait, change)
        }
    }

    /// The batch's requests are all done: when requests were held and the service showed it works since (the
    /// probe answered was the batch's last request, so none asked again to end the holding), that it ended.
    func holdingEndedWithTheLastRequest() -> HoldChange? {
        let at = now()
        return state.withLock { s in
            noteAttemptsAlive(&s, at: at)
            guard s.verdict == nil, !(s.outage?.holding.isEnough ?? false) else { return nil }
            return endHolding(&s, at: at)
        }
    }

    /// Ends the holding, if requests are held: how long they were.
    private func endHolding(_ s: inout State, at: ContinuousClock.Instant) -> HoldChange? {
        guard let since = s.holdingSince else { return nil }
        (s.holdingSince, s.probe, s.lastProbe) = (nil, nil, nil)
        s.held = []
        s.line = []
        return .ended(heldFor: at - since)
    }

    /// Request `request`'s attempt goes now: `.probe` when it is the probe.
    private func go(_ s: inout State, _ request: Int, at: ContinuousClock.Instant) -> Turn {
        s.attemptsInFlight[request] = at
        s.went.insert(request)
        return s.probe == request ? .probe : .go
    }

    /// The service answered a request with anything but a server error: it works.
    func answered() {
        state.withLock { s in
            s.answered = true
            s.outage = nil
        }
    }

    /// One attempt of `job`'s request failed with `error`; `gaveUp` when the client will not retry it.
    /// Returns the verdict the first time the batch counts as unreachable, `nil` otherwise.
    func failed(_ error: HTTPTransportError, job: ObjectIdentifier, gaveUp: Bool) -> Verdict? {
        guard error.isConnectionLevel || error.isStall else { return nil }
        let at = now()
        return state.withLock { s -> Verdict? in
            guard s.verdict == nil else { return nil }
            guard s.answered else {
                guard error.isConnectionLevel || gaveUp else { return nil }
                s.unanswered.add(job)
                guard gaveUp || s.unanswered.isEnough else { return nil }
                s.verdict = Verdict(
                    failures: s.unanswered.failures,
                    jobs: s.unanswered.jobs.count,
                    last: .transport(error)
                )
                return s.verdict
            }
            return outageFailure(&s, .transport(error), job: job, at: at)
        }
    }

    /// The service answered one attempt of `job`'s request with `error`. An answer proves the service there
    /// (the first rule no longer applies), but a server error (5xx but 501) is a failure for want of it, and a
    /// refusal for coming too fast (a 429 too) is no sign of a working service.
    /// Returns the verdict the first time the batch counts as unreachable, `nil` otherwise.
    func answered(with error: OSSServiceError, job: ObjectIdentifier) -> Verdict? {
        // A 429 is a refusal for coming too fast, like a 503 with a limit code: no sign of a working service.
        guard Self.isServerError(error.httpStatus) || error.isThrottling else {
            answered()
            return nil
        }
        let at = now()
        return state.withLock { s -> Verdict? in
            s.answered = true
            guard s.verdict == nil else { return nil }
            return outageFailure(&s, .serverError(error), job: job, at: at)
        }
    }

    /// What a request's `error` says about the service: a transport failure or a server error counts (`gaveUp`
    /// when the client will not retry it), any other answer shows it working; an error that no answer made
    /// (credentials that could not be had: nothing was sent) says nothing. `cancelled`: the task gave up for
    /// its own reason, which says nothing about the service either.
    func observe(_ error: OSSError, job: ObjectIdentifier, gaveUp: Bool, cancelled: Bool = false) -> Verdict? {
        switch error {
        case .transport(let failure, _): return cancelled ? nil : failed(failure, job: job, gaveUp: gaveUp)
        case .service(let answer, _): return answered(with: answer, job: job)
        case .credentials: return nil
        case .integrity, .invalidResponse, .missingCRC64:
            answered()
            return nil
        }
    }

    /// Whether `error` is a failure that, once the batch has stopped as unreachable, ends its job `pending`
    /// rather than `failed`: it says nothing about the job.
    func leavesJobPending(_ error: HTTPTransportError) -> Bool {
        (error.isConnectionLevel || error.isStall) && state.withLock { $0.verdict != nil }
    }

    /// 5xx but 501 (Not Implemented: the service works, it lacks one operation).
    static func isServerError(_ status: Int) -> Bool { (500...599).contains(status) && status != 501 }

    /// A request in flight for `longestDeadAttempt` since its attempt began shows the service working.
    private func noteAttemptsAlive(_ s: inout State, at: ContinuousClock.Instant) {
        guard s.outage != nil else { return }
        if s.attemptsInFlight.values.contains(where: { at - $0 >= Self.longestDeadAttempt }) { s.outage = nil }
    }

    private func outageFailure(
        _ s: inout State,
        _ failure: Failure,
        job: ObjectIdentifier,
        at: ContinuousClock.Instant
    ) -> Verdict? {
        noteAttemptsAlive(&s, at: at)
        var outage = s.outage ?? Outage(since: at, last: failure)
        outage.count.add(job)
        if case .serverError(let answer) = failure, answer.isThrottling {
            // Neither a failure that holds the requests nor a sign that the service works.
            outage.refusals += 1
        } else {
            outage.holding.add(job)
        }
        outage.last = failure
        if case .transport = failure { outage.serverErrorsOnly = false }
        s.outage = outage
        let lostFor = at - outage.since
        guard lostFor >= lostAfter, outage.count.isEnough else { return nil }
        s.verdict = Verdict(
            failures: outage.count.failures,
            jobs: outage.count.jobs.count,
            last: failure,
            lostFor: lostFor,
            onlyServerErrors: outage.serverErrorsOnly,
            refusals: outage.refusals
        )
        return s.verdict
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
        case .stalled, .bodyRead, .responseTooLarge, .cancelled, .unsendable, .other: return false
        }
    }
}
