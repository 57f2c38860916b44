import Foundation
import Logging
import OSSKit
import OSSProtocol
import Synchronization

/// Everything the jobs of one batch share: the client, the global request limit, the stop flag and the
/// watch for batch-fatal errors.
final class BatchContext: Sendable {
    let client: OSSClient
    let bucket: String
    let settings: UploadSettings
    let checkpoints: CheckpointStore
    /// The report of this batch (absolute path): the owner its checkpoints name.
    let report: String
    /// The state directory: where other batches' checkpoints are (the stray sweep leaves their uploads alone).
    let stateDirectory: StateDirectory
    let logger: Logger
    let progress: BatchProgress
    /// The upload index, when `upload.unchanged` keeps one (copy sources, `if_exists: skip` without a read).
    let index: UploadIndex?
    /// Where the target's upload index will be, for a run that started while there was none
    /// (`indexMadeSince()`).
    let indexPath: String?
    /// What `indexMadeSince()` found.
    let lateIndex = Mutex(LateIndex.notYet)
    /// When the report's earlier runs went, on this machine's clock (`StrayUploads.earlierRunWindows`): the
    /// sweep after an Initiate also takes an upload of the key one of them started and no checkpoint holds.
    let earlierRunWindows: [ClosedRange<Date>]

    /// The proxy the environment sends requests through, named when the service cannot be reached.
    let proxyRoute: ProxyRoute?
    /// At most `concurrency` requests in flight over the whole batch.
    private let requests: AsyncSemaphore
    private let reachability: ServiceReachability
    private let pacer: RequestPacer
    private let state = Mutex(State())
    /// Requests ended (answered or failed, retried attempts included) and jobs finished: with the bytes sent,
    /// what `RunWatchdog` reads to tell a run that moves from one that is stuck.
    let activity = Atomic<Int64>(0)

    private struct State {
        var stop: StopReason?
        var succeededRequests = 0
        var consecutiveFatal = 0
        var strayUploadChecks = true
        /// The task running the jobs, cancelled by `halt()`.
        var runTask: Task<Void, Never>?
        var halted = false
    }

    /// Whether jobs still look for uploads that a lost InitiateMultipartUpload answer started (off once the
    /// credentials proved unable to list uploads, or the server cannot: asking again for every job would only
    /// repeat the answer).
    var checksStrayUploads: Bool { state.withLock { $0.strayUploadChecks } }

    /// Turns the check off; true for the one call that did (so concurrent jobs warn once between them).
    @discardableResult
    func stopCheckingStrayUploads() -> Bool {
        state.withLock { s in
            defer { s.strayUploadChecks = false }
            return s.strayUploadChecks
        }
    }

    init(
        client: OSSClient,
        bucket: String,
        settings: UploadSettings,
        report: String,
        state: StateDirectory,
        logger: Logger,
        progress: BatchProgress,
        index: UploadIndex? = nil,
        indexPath: String? = nil,
        earlierRunWindows: [ClosedRange<Date>] = []
    ) {
        self.client = client
        self.index = index
        self.indexPath = indexPath
        self.earlierRunWindows = earlierRunWindows
        self.bucket = bucket
        self.settings = settings
        self.report = report
        stateDirectory = state
        checkpoints = CheckpointStore(directory: settings.checkpointDir)
        self.logger = logger
        self.progress = progress
        requests = AsyncSemaphore(permits: settings.concurrency)
        // A probe at least every quarter of the window: the watchdog counts an attempt's end as movement.
        reachability = ServiceReachability(
            lostAfter: .seconds(settings.stallTimeout),
            probeEvery: min(ServiceReachability.defaultProbeEvery, .seconds(settings.stallTimeout) / 4)
        )
        pacer = RequestPacer(slowestInterval: reachability.probeEvery)
        proxyRoute = ProxyRoute.to(client.configuration.endpoint)
    }

    /// Parts of one file started at a time. Unlimited bandwidth: `concurrency`, so one large file can use
    /// every request slot. Under a cap every part in flight gets a share of it, so many parts of one file
    /// would all be half sent at any moment and an interrupt would throw most sent bytes away: then only
    /// as many parts as the cap sends in the stop grace period (at least one), so the parts in flight finish
    /// one after another and what is stopped is mostly kept.
    /// `partSize` is the file's own (`PartPlan`): a file too large for 10,000 parts of the manifest's size has
    /// larger ones, and counted at the manifest's, 16 parts of 1 MiB went at once under a 1 MB/s cap where 2
    /// fit, and a stop kept nothing of them (review of b827939).
    static func partsInFlight(settings: UploadSettings, partSize: Int64) -> Int {
        guard settings.bandwidth > 0, partSize > 0 else { return max(1, settings.concurrency) }
        let fit = Double(settings.bandwidth) * Engine.stopGrace.seconds / Double(partSize)
        // Bounded before it becomes an `Int`: a fit past Int.max traps.
        return max(1, Int(min(fit, Double(max(1, settings.concurrency)))))
    }

    var stopReason: StopReason? { state.withLock { $0.stop } }
    var isStopping: Bool { stopReason != nil }

    /// Something moved: a request or attempt ended, a job finished.
    func noteActivity() { activity.add(1, ordering: .relaxed) }

    /// Stops new work for `reason` (the first reason given is kept). Returns whether this call set it.
    @discardableResult
    func requestStop(_ reason: StopReason) -> Bool {
        state.withLock { s in
            guard s.stop == nil else { return false }
            s.stop = reason
            return true
        }
    }

    /// The task running the jobs, so `halt()` can cancel it (at once, if a halt came first).
    func adoptRunTask(_ task: Task<Void, Never>) {
        let halted = state.withLock { s in
            s.runTask = task
            return s.halted
        }
        if halted { task.cancel() }
    }

    /// Cancels every request in flight now: their jobs end `pending`, with their checkpoints.
    func halt() {
        let task = state.withLock { s in
            s.halted = true
            return s.runTask
        }
        task?.cancel()
    }

    /// Runs one client call (one request, with the client's own retries) under the global request limit,
    /// and watches its outcome for batch-fatal errors and an unreachable service. `watched: false` is for
    /// housekeeping that a job can do without (looking for stray uploads): a policy that denies it must not
    /// stop the batch.
    func send<T: Sendable>(_ tally: JobTally, watched: Bool = true, _ call: () async throws -> T) async throws -> T {
        defer { noteActivity() }
        do {
            let result = try await requests.withPermit {
                // Bound inside the permit: a request waiting for its turn is not in flight.
                let request = reachability.began()
                defer {
                    reachability.ended(request)
                    pacer.ended(request)
                }
                let result: T
                do {
                    result = try await RequestScope.$current.withValue(
                        RequestScope(context: self, tally: tally, request: request),
                        operation: call
                    )
                } catch let error as OSSError {
                    notePacing(error, request: request)
                    throw error
                }
                // Before the request leaves the attempts in flight, so that no moment sees neither.
                reachability.answered()
                pacer.answered(request)
                return result
            }
            state.withLock { s in
                s.succeededRequests += 1
                s.consecutiveFatal = 0
            }
            return result
        } catch let error as OSSError {
            tally.addAttempts(error.attempts)
            stopIfUnreachable(
                reachability.observe(error, job: ObjectIdentifier(tally), gaveUp: true, cancelled: Task.isCancelled)
            )
            // A connection failure says nothing about this job once the batch stopped for want of the service:
            // it stays to resume.
            if case .transport(let failure, _) = error, reachability.leavesJobPending(failure) {
                throw CancellationError()
            }
            if watched { observe(error) }
            throw error
        }
    }

    /// One attempt that the client is about to retry (`RequestScope` brings it here from the client's
    /// retry callback): charged to its job, and watched for an unreachable or lost service.
    func retrying(_ event: RetryEvent, tally: JobTally, request: Int) {
        noteActivity()
        tally.addRetry()
        reachability.retrying(request, after: .seconds(event.delay))
        if case .transport = event.error { tally.addUnansweredRetry() }
        if notePacing(event.error, request: request) { tally.addRefusal() }
        stopIfUnreachable(reachability.observe(event.error, job: ObjectIdentifier(tally), gaveUp: false))
    }

    /// A refusal for coming too fast paces the batch's attempts (`RequestPacer`); any other answer is one the
    /// service let through. Returns whether `error` was such a refusal.
    @discardableResult
    private func notePacing(_ error: OSSError, request: Int) -> Bool {
        guard case .service(let answer, _) = error else { return false }
        guard answer.isThrottling else {
            pacer.answered(request)
            return false
        }
        pacer.refused(request, with: answer).forEach(log)
        return true
    }

    /// How often a held request asks again (a lock and a few set operations: 1,000 held requests cost
    /// nothing measurable).
    private static let heldPoll: Duration = .milliseconds(250)

    /// Before each attempt of request `request` (`RequestScope` brings it here from the client): waits while the
    /// service looks lost, until this request is the probe or the service works again, then for its moment while
    /// the service throttles the batch (`RequestPacer`). A batch that stops meanwhile (a signal, a verdict, a
    /// fatal error) ends the wait with `CancellationError`: the attempt is not sent and its job stays pending (a
    /// waiting request has no grace to finish in; `send` takes it out of the pacer's line).
    func awaitTurn(request: Int) async throws {
        // The hold first: a request the pacer let go and the hold then kept would have spent the pace's turn and
        // gone, with every other held request, in one burst when the service came back.
        while true {
            let (turn, change) = reachability.turn(for: request, stopping: isStopping)
            if let change { log(change) }
            if turn == .wait {
                guard !isStopping, !Task.isCancelled else { throw CancellationError() }
                try? await Task.sleep(for: Self.heldPoll)
                continue
            }
            // Movement for the watchdog: while held, probes are all that goes (one at a time, so a probe that
            // never ends still leaves the run quiet).
            if turn == .probe { noteActivity() }
            break
        }
        var paced = false
        while true {
            let (turn, changes) = pacer.turn(for: request)
            changes.forEach(log)
            guard case .wait(let delay) = turn else { break }
            // Waiting is not an attempt in flight (it must not pass for the proof of a live upload).
            reachability.waiting(request)
            paced = true
            guard !isStopping, !Task.isCancelled else { throw CancellationError() }
            try? await Task.sleep(for: delay)
        }
        if paced { reachability.sending(request) }
    }

    /// Every job has ended: says the service works again if the request that showed it was the batch's last.
    func jobsEnded() {
        if let change = reachability.holdingEndedWithTheLastRequest() { log(change) }
    }

    /// The endpoint, with the proxy the requests go through, for messages about the service.
    private var endpointName: String { "\(client.configuration.endpoint)\(proxyRoute.map { " \($0)" } ?? "")" }

    private func log(_ change: ServiceReachability.HoldChange) {
        switch change {
        case .began(let failures, let jobs, let last):
            progress.setHeld(since: .now)
            let message =
                "\(endpointName) looks lost: \(failures) failures from \(jobs) jobs and no sign of a working "
                + "service (last: \(last)); requests are held, one sent every "
                + "\(DurationText.format(reachability.probeEvery.seconds)) to see whether it is back; the batch "
                + "stops once it has shown no sign of working for "
                + "\(DurationText.format(reachability.lostAfter.seconds)) since the first of those failures"
            logger.warning(
                "\(message)",
                metadata: .event("service_held", ["failures": .number(failures), "jobs": .number(jobs)])
            )
        case .ended(let heldFor):
            progress.setHeld(since: nil)
            logger.notice(
                "\(endpointName) works again: the requests held for \(DurationText.format(heldFor.seconds)) go on",
                metadata: .event("service_back", ["held_ms": .number(heldFor.milliseconds)])
            )
        }
    }

    private func log(_ change: RequestPacer.Change) {
        switch change {
        case .began(let rate, let refusal, let episode):
            progress.setPaced(since: .now)
            let message =
                "\(endpointName) throttles the batch (\(refusal.code), HTTP \(refusal.httpStatus)): attempts are "
                + "paced, \(RequestPacer.rateText(rate)) to begin with, the pace rising while the service allows it"
            let metadata = Logger.Metadata.event(
                "requests_paced",
                ["interval_ms": .number(Int((1000 / rate).rounded()))]
            )
            // The first time a run is paced is news; later times (a limit met again and again all night) are not.
            if episode == 1 {
                logger.notice("\(message)", metadata: metadata)
            } else {
                logger.info("\(message) (again: \(episode) times this run)", metadata: metadata)
            }
        case .ended(let pacedFor):
            progress.setPaced(since: nil)
            let message =
                "\(endpointName) has refused no attempt for \(DurationText.format(RequestPacer.quietFor.seconds)): "
                + "attempts go unpaced again, after \(DurationText.format(pacedFor.seconds)) paced"
            logger.info(
                "\(message)",
                metadata: .event("requests_unpaced", ["paced_ms": .number(pacedFor.milliseconds)])
            )
        }
    }

    /// Stops the batch, and cancels what is in flight, when the service counts as unreachable (`verdict`).
    private func stopIfUnreachable(_ verdict: ServiceReachability.Verdict?) {
        guard let verdict else { return }
        let jobs = verdict.jobs == 1 ? "1 job" : "\(verdict.jobs) jobs"
        let endpoint = endpointName
        let message: String
        if let lostFor = verdict.lostFor, verdict.mostlyThrottling {
            message =
                "\(endpoint) refused the requests for coming too fast for \(DurationText.format(lostFor.seconds)): "
                + "\(verdict.failures) failures from \(jobs), "
                + (verdict.refusals == verdict.failures
                    ? "every one such a refusal" : "\(verdict.refusals) of them such refusals")
                + ", and no request answered "
                + "otherwise (last: \(verdict.last)); a limit of the account or bucket is used "
                + "up (other programs may share it); the jobs not done are pending or failed: run resume later"
        } else if let lostFor = verdict.lostFor {
            let what =
                verdict.onlyServerErrors
                ? "answered only server errors (5xx) for \(DurationText.format(lostFor.seconds)): "
                    + "\(verdict.failures) from \(jobs)"
                : "\(verdict.failures) failures from \(jobs) and no sign of a working service for "
                    + DurationText.format(lostFor.seconds)
            message =
                "lost \(endpoint): \(what) (last: \(verdict.last)); the jobs not done are pending or failed: run "
                + "resume once the endpoint answers"
        } else {
            message =
                "cannot reach \(endpoint): "
                + (verdict.last.isStall
                    ? "a request stalled through every attempt"
                    : "\(verdict.failures) connection failures from \(jobs)")
                + " and not one answer (last: \(verdict.last)); every unfinished job is pending: run "
                + "resume once the endpoint is reachable"
        }
        let error = JobError(code: verdict.mostlyThrottling ? "Throttled" : "ServiceUnreachable", message: message)
        if requestStop(.fatal(error)) {
            logger.error(
                "stopping the batch: \(error)",
                metadata: .event(
                    "batch_stopping",
                    .error(error).merging(["failures": .number(verdict.failures)]) { a, _ in a }
                )
            )
        }
        halt()
    }

    /// Batch-fatal codes stop the batch when they come three times in a row, or at once when no request of
    /// this run has succeeded yet (a wrong key or a missing bucket fails everything; there is no point in
    /// failing 100,000 jobs one by one). A server without CRC-64 under `verify: crc64`, and credentials that
    /// could not be renewed, stop it at once: every next request would end the same way.
    func observe(_ error: OSSError) {
        var stopsAtOnce = false
        switch error {
        // A request that cannot be sent as built (a line break in a credential, an endpoint curl refuses): every
        // request of the batch is built the same way.
        case .missingCRC64, .credentials, .transport(.unsendable, _): stopsAtOnce = true
        default: break
        }
        if stopsAtOnce {
            let jobError = JobError(error)
            if requestStop(.fatal(jobError)) {
                logger.error("stopping the batch: \(jobError)", metadata: .event("batch_stopping", .error(jobError)))
            }
            // Without credentials no request can be signed: the requests in flight are cancelled (their jobs
            // pending) rather than each waiting out a renewal of its own, one after another (a metadata service
            // that hangs held a stopped batch 45 s more, audit of 72b75db).
            if case .credentials = error { halt() }
            return
        }
        guard case .service(let e, _) = error, JobError.isBatchFatal(e) else {
            state.withLock { $0.consecutiveFatal = 0 }
            return
        }
        let trip = state.withLock { s -> Bool in
            s.consecutiveFatal += 1
            return s.succeededRequests == 0 || s.consecutiveFatal >= 3
        }
        if trip {
            let jobError = JobError(error)
            if requestStop(.fatal(jobError)) {
                logger.error("stopping the batch: \(jobError)", metadata: .event("batch_stopping", .error(jobError)))
            }
            // Every request would be refused the same way: those in flight and queued are cancelled, their jobs
            // pending, instead of being sent to be refused.
            halt()
        }
    }
}
