import Foundation
import LocalFiles
import Logging
import OSSKit
import OSSProtocol
import Synchronization

/// Runs the unfinished jobs of a report under the batch's global limits, recording every outcome in the
/// report's journal as it happens and the final state in the report.
///
/// Limits: at most `concurrency` requests in flight over the whole batch (parts of several files interleave),
/// at most `files_in_flight` multipart uploads open, at most `concurrency` small files in progress, and the
/// transport's bandwidth cap. A failing job never stalls the others; a batch-fatal error or `stop()` stops
/// new work, and what was in flight ends `pending` with its checkpoint.
package final class Engine: Sendable {
    package let progress = BatchProgress()
    private let context: BatchContext
    private let store: ReportStore
    /// The client's transport, read for the bytes sent.
    private let transport: any HTTPTransport
    private let state: Mutex<Report>
    /// Whether `stop` has been called before (a second call stops at once).
    private let stopRequested = Mutex(false)
    /// Locks each job's key while the job runs, so no other batch uploads it at the same time.
    private let keyLocks: KeyLocks
    /// Records confirmed objects in the upload index (`upload.unchanged: skip | copy`).
    private let indexWriter: IndexWriter?
    /// The jobs `--verify-remote list` found missing or different on the server (report positions): their
    /// report lines say so (the log names only the first few).
    private let foundStale = Mutex<Set<Int>>([])
    /// The jobs running now (report position → source), for what a stalled run says is stuck and for whether
    /// any is left running while keys are set aside.
    private let inFlight = Mutex<[Int: String]>([:])
    /// Times a stop's grace, and ends a run that stalls or cannot be halted (`RunWatchdog`).
    private let watchdog: RunWatchdog
    /// Set by whichever ends the run first and writes its report: `run` itself, or the watchdog abandoning a
    /// run stuck in calls that never return. Outcomes that come after are not recorded.
    private let finishing = Atomic<Bool>(false)
    /// Set while `--verify-remote list` lists the bucket, before any job: a stop then ends it at once (it sends
    /// nothing that needs finishing, and the watchdog that times the grace is not running yet).
    private let listing = Atomic<Bool>(false)
    /// The jobs this run is to do (report positions, in order) and those of them it has started (not in
    /// order: a job whose key another process held is set aside): a run that stops early leaves the rest as
    /// they were, and one an earlier run had `failed` is said `pending` (`finish`), not listed with an error
    /// this run never met.
    private let todo = Mutex<(positions: [Int32], started: Set<Int32>)>(([], []))
    /// What ends the process once the watchdog has abandoned the run (`run(command:onAbandoned:)`).
    private let abandonedHandler = Mutex<(@Sendable (RunResult) -> Void)?>(nil)

    /// `store` is the report's (its path names this batch in its checkpoints); `state` the state directory
    /// whose key locks and other batches' checkpoints the engine respects; `index` the target's upload index
    /// when the batch keeps one (or takes its keys out of another's); `indexMadeLater` where it will be when
    /// there was none yet (`BatchContext.indexMadeSince()`). `report` is taken, not copied: a caller that kept it would make the first
    /// outcome copy every job. The report's concurrency and files in flight are lowered for this run (not
    /// in the report) when they would need more descriptors than `openFileLimit`.
    package init(
        report: consuming Report,
        store: ReportStore,
        client: OSSClient,
        keyLocks: KeyLocks,
        state: StateDirectory,
        logger: Logger,
        index: UploadIndex? = nil,
        indexMadeLater: String? = nil,
        openFileLimit: Int = OpenFileLimit.current
    ) {
        self.store = store
        self.keyLocks = keyLocks
        indexWriter = index.map {
            IndexWriter(index: $0, report: store.path, logger: logger, vouches: report.upload.unchanged != .upload) {
                keys in
                for key in keys { keyLocks.unlock(key) }
            }
        }
        transport = client.transport
        var settings = report.upload
        if let fitted = settings.fitted(toOpenFiles: openFileLimit) {
            let message =
                "upload.concurrency \(settings.concurrency) and files_in_flight \(settings.filesInFlight) could hold "
                + "\(settings.descriptorsNeeded) files open, more than this process may open (\(openFileLimit): "
                + "its hard limit, ulimit -Hn); running \(fitted.concurrency) requests and "
                + "\(fitted.filesInFlight) multipart files at once"
            logger.warning(
                "\(message)",
                metadata: .event(
                    "concurrency_lowered",
                    [
                        "open_file_limit": .number(openFileLimit),
                        "concurrency": .number(fitted.concurrency),
                        "files_in_flight": .number(fitted.filesInFlight),
                    ]
                )
            )
            settings = fitted
        }
        let context = BatchContext(
            client: client,
            bucket: report.target.bucket,
            settings: settings,
            report: store.path,
            state: state,
            logger: logger,
            progress: progress,
            index: index,
            indexPath: indexMadeLater,
            earlierRunWindows: StrayUploads.earlierRunWindows(report.runs, createdAt: report.createdAt, before: Date())
        )
        self.context = context
        self.state = Mutex(report)
        let transport = client.transport
        watchdog = RunWatchdog(
            stallLimit: .seconds(settings.stallTimeout),
            activity: { transport.bodyBytesSent + context.activity.load(ordering: .relaxed) }
        )
    }

    /// The report as it stands (a copy: hold it only briefly while the engine runs, or the engine's next
    /// outcome copies every job).
    package var report: Report { state.withLock { $0 } }

    /// How long in-flight requests may finish after SIGINT/SIGTERM before they are cancelled.
    package static let stopGrace: Duration = .seconds(3)

    /// Stops taking new work (SIGINT/SIGTERM): in-flight requests get `grace` to finish, then are cancelled.
    /// A second call, or a zero `grace`, cancels them at once. Either way the jobs stopped end `pending`, their
    /// checkpoints and the report are written, and the run ends with `signal`'s exit status (the first
    /// signal's, if several came).
    package func stop(_ signal: StopSignal, grace: Duration = Engine.stopGrace) {
        let repeated = stopRequested.withLock { requested in
            defer { requested = true }
            return requested
        }
        context.requestStop(.interrupted(signal))
        if repeated || grace <= .zero || listing.load(ordering: .sequentiallyConsistent) {
            context.halt()
            watchdog.halt(after: .zero)
            return
        }
        context.logger.notice(
            "interrupted: finishing in-flight requests (at most \(Int(grace.seconds)) s), then saving progress",
            metadata: .event("stopping", ["signal": .string(signal.rawValue), "grace_ms": .number(grace.milliseconds)])
        )
        // Timed by the watchdog's thread, not a task: with the jobs' threads stuck, a task would never wake.
        watchdog.halt(after: grace)
    }

    /// Nothing in the run has moved for `quiet`: the batch stops as fatal (`Stalled`), and the watchdog halts it.
    private func stalled(quiet: Duration) {
        let stuck = inFlight.withLock { $0.values.sorted() }
        let shown = stuck.prefix(3).joined(separator: ", ") + (stuck.count > 3 ? ", and \(stuck.count - 3) more" : "")
        // The likely cause, said only where the process shows it: threads waiting in file calls point to a
        // file system; none, to the far side (a request that neither ends nor moves, a renewal that hangs).
        let blocked = RunWatchdog.blockedCallsText()
        let cause =
            blocked.isEmpty
            ? "no thread waits in a file call: a request or a credential renewal that neither ends nor moves "
                + "(a server or proxy that stopped answering mid-response) is the likely cause"
            : "a read from a file system that stopped answering (a hung NFS or FUSE mount) waits for ever"
        let message =
            "no progress for \(DurationText.format(quiet.seconds)) (no byte sent, no request ended, no file finished) "
            + "with \(stuck.count) \(stuck.count == 1 ? "file" : "files") in flight\(stuck.isEmpty ? "" : ": \(shown)")"
            + "\(blocked); \(cause)"
        let error = JobError(code: "Stalled", message: message)
        if context.requestStop(.fatal(error)) {
            context.logger.error(
                "stopping the batch: \(message)",
                metadata: .event(
                    "stalled",
                    ["quiet_ms": .number(quiet.milliseconds), "files_in_flight": .number(stuck.count)]
                )
            )
        }
    }

    /// The run was halted and has not ended: jobs wait in calls that never return and cannot be cancelled.
    /// The report is written as it stands (those jobs stay as they were: `resume` runs them) and the handler
    /// given to `run` ends the process.
    private func abandon() {
        guard claimTheFinish() else { return }
        let stuck = inFlight.withLock { $0.count }
        let message =
            "the run did not end within \(Int(watchdog.abandonAfter.seconds)) s of being stopped: \(stuck) "
            + "\(stuck == 1 ? "job waits" : "jobs wait") in calls that do not return; writing the report as it "
            + "stands and exiting (`ossbatch resume` runs them)"
        context.logger.error(
            "\(message)",
            metadata: .event("abandoned", ["jobs_stuck": .number(stuck)])
        )
        try? store.syncJournal()
        indexWriter?.flush()
        let result = finish(writeError: nil)
        abandonedHandler.withLock { $0 }?(result)
    }

    /// Whether this caller is the one to write the run's final report (`run` or the watchdog's `abandon`).
    private func claimTheFinish() -> Bool {
        finishing.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged
    }

    /// Runs every job that is not yet succeeded or skipped. `command` names the invocation in the report.
    /// `onAbandoned` is called, on the watchdog's thread, with the result of a run that could not be brought
    /// to an end (jobs stuck in calls that never return): it must end the process; `run` then never returns.
    package func run(command: String, onAbandoned: @escaping @Sendable (RunResult) -> Void) async -> RunResult {
        abandonedHandler.withLock { $0 = onAbandoned }
        if context.settings.verifyRemote == .list { await uploadAgainWhatTheServerLacks() }
        // Positions only (4 bytes a job, not a copy of each job): each job is read from the report as it starts.
        let (todo, anyMultipart): ([Int32], Bool) = state.withLock { report in
            report.status = .running
            report.fatalError = nil
            report.runs.append(Report.startingRun(command))
            var todo: [Int32] = []
            var anyMultipart = false
            // Read where the list keeps each job (through a span, stored fields): through the job's computed
            // `status` each was copied out first, on one core (perf, 2026-12-06).
            let jobs = report.jobs.span
            for i in jobs.indices where jobs[i].recorded.status != .succeeded && jobs[i].recorded.status != .skipped {
                todo.append(Int32(i))
                if case .multipart = jobs[i].spec.method { anyMultipart = true }
            }
            return (todo, anyMultipart)
        }
        self.todo.withLock { $0 = (todo, []) }
        var writeError: StateFileError?
        do {
            // Released before the first outcome (see `report`).
            let initial = state.withLock { $0 }
            // A resumed report: what its earlier runs confirmed goes into the index now (a kill -9 may have come
            // between the journal line and the index's next flush).
            if let indexWriter {
                // By index, the outcome made only where there is one to restore: a night of 200,000 skipped
                // jobs made 200,000 outcomes here for nothing.
                let jobs = initial.jobs.span
                var restored: [(UploadJob, JobOutcome)] = []
                for i in jobs.indices where jobs[i].recorded.recordsCtime {
                    restored.append((jobs[i].spec, jobs[i].outcome))
                }
                indexWriter.restore(restored)
            }
            progress.start(
                jobs: initial.jobs.count,
                bytes: initial.totals.bytes,
                alreadyDoneJobs: initial.totals.succeeded + initial.totals.skipped,
                alreadyDoneBytes: initial.totals.bytesDone
            )
            // With nothing to run (a night with every file unchanged, a finished report resumed), the report
            // is written once, at the end: until then the file on disk (or none, for a new report) already
            // says everything, and no journal line can refer to a write that never happened.
            if !todo.isEmpty {
                // The run's last write follows and copies the lines of batches that did not change.
                do { try store.write(initial, keepingLines: true) } catch { writeError = error }
            }
        }

        if writeError == nil, anyMultipart {
            do { try context.checkpoints.prepare() } catch {
                context.requestStop(.fatal(JobError(code: "CheckpointError", message: error.description)))
            }
        }

        if writeError == nil && !context.isStopping {
            let context = context
            watchdog.start(
                RunWatchdog.Actions(
                    onStall: { quiet in self.stalled(quiet: quiet) },
                    onHalt: { context.halt() },
                    onAbandon: { self.abandon() }
                )
            )
            let task = Task { await self.runJobs(todo) }
            context.adoptRunTask(task)
            // A periodic flush makes journaled outcomes durable about once a second (kill -9 loses nothing
            // written; a power cut loses at most the last second).
            let flusher = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    do throws(StateFileError) { try store.syncJournal() } catch {
                        // As a failed write (`record`): the outcomes appended may not survive a crash, so the run
                        // stops rather than go on unrecorded (review of 572eea5: the error was dropped, and Linux
                        // reports a write-back error once, so the report's own sync then passed).
                        self.journalFailed(error)
                    }
                    indexWriter?.flush()
                    progress.setBytesSent(transport.bodyBytesSent)
                }
            }
            await task.value
            context.jobsEnded()
            watchdog.ended()
            flusher.cancel()
            guard claimTheFinish() else {
                // The watchdog abandoned the run and is writing its report; its handler ends the process.
                while true { try? await Task.sleep(for: .seconds(3600)) }
            }
            indexWriter?.close()
            progress.setBytesSent(transport.bodyBytesSent)
        }
        // The run was not abandoned: the handler (which holds what holds this engine) goes, so that the engine
        // and its report can be freed (`resume --batch` runs one engine after another).
        abandonedHandler.withLock { $0 = nil }
        return finish(writeError: writeError)
    }

    /// `--verify-remote list`: lists the prefix of the jobs skipped as unchanged and turns those whose object
    /// is missing or differs back into pending jobs, before the run starts. A listing that fails stops the
    /// batch as fatal: the check was asked for, so nothing is skipped unchecked.
    private static let staleKeysLogged = 20
    static let staleWarning =
        "the upload index vouched for it, but --verify-remote list found its object missing or different on the server, so it was not skipped as unchanged"

    private func uploadAgainWhatTheServerLacks() async {
        let candidates: [UnchangedListingCheck.Candidate] = state.withLock { report in
            report.jobs.indices.compactMap { i in
                let outcome = report.jobs[i].outcome
                guard outcome.status == .skipped, outcome.reason == .unchanged else { return nil }
                return .init(index: i, key: outcome.key, size: report.jobs[i].spec.size, etag: outcome.etag)
            }
        }
        guard !candidates.isEmpty, !context.isStopping else { return }
        let prefix = UnchangedListingCheck.commonPrefix(candidates.map(\.key))
        let listed: [ObjectSummary]
        do {
            // Through the batch's limits like every request: each page waits its turn while the service throttles
            // the batch or looks lost (sent straight, a throttled listing used its attempts up and stopped it).
            // In a task the stop can cancel: a signal waited for the whole listing (minutes over a large prefix;
            // systemd's kill then left no report: review of 572eea5).
            let context = context
            let result = Mutex<Result<[ObjectSummary], any Error>>(.success([]))
            let task = Task<Void, Never> {
                do {
                    let objects = try await context.send(JobTally(), watched: false) {
                        try await context.client.listObjectsV2(bucket: context.bucket, prefix: prefix)
                    }
                    result.withLock { $0 = .success(objects) }
                } catch {
                    result.withLock { $0 = .failure(error) }
                }
            }
            listing.store(true, ordering: .sequentiallyConsistent)
            context.adoptRunTask(task)  // cancelled at once if the batch was halted meanwhile
            if context.isStopping { task.cancel() }  // a first signal before `listing` was set
            await task.value
            listing.store(false, ordering: .sequentiallyConsistent)
            listed = try result.withLock { $0 }.get()
        } catch  where context.isStopping && isCancellation(error) {
            return
        } catch {
            let problem = (error as? OSSError).map(JobError.init) ?? JobError(code: "ListError", message: "\(error)")
            context.logger.error(
                "cannot verify the unchanged files against the bucket's listing: \(problem)",
                metadata: .event("verify_remote_failed", ["code": .string(problem.code)])
            )
            context.requestStop(.fatal(problem))
            return
        }
        let stale = UnchangedListingCheck.stale(candidates, listed: listed)
        foundStale.withLock { $0 = Set(stale) }
        let keys: [String] = state.withLock { report in
            let keys = stale.map { report.jobs[$0].outcome.key }
            for (i, key) in zip(stale, keys) { report.jobs[i].outcome = JobOutcome(key: key, status: .pending) }
            report.recomputeTotals()
            return keys
        }
        // Their entries vouch for nothing now: buried at once, not at each job's request, which a batch stopped
        // first (a signal, the endpoint lost, a key held elsewhere) never reached, and the next night, without
        // the flag, skipped the file again, its object still missing (review of b7bf3fd). Each job's own burial
        // before its request stays: should this fail, it is tried there again.
        if let index = context.index, !keys.isEmpty {
            do { try index.write([], removing: keys) } catch {
                context.logger.warning(
                    "cannot take the \(keys.count) files found stale out of the upload index now (\(error)); each is taken out before its upload",
                    metadata: .event("index_write_failed", ["path": .string(index.path), "error": .string("\(error)")])
                )
            }
        }
        // One line per object, up to a limit: a whole prefix deleted must not flood the log.
        for key in keys.prefix(Self.staleKeysLogged) {
            context.logger.warning(
                "\(key): the upload index vouched for it, but its object is missing or differs on the server; its job runs again (under if_exists: skip an object of the same bytes is kept)",
                metadata: .event("unchanged_stale", ["key": .string(key)])
            )
        }
        if keys.count > Self.staleKeysLogged {
            context.logger.warning("… and \(keys.count - Self.staleKeysLogged) more such files")
        }
        let confirmed = candidates.count - stale.count
        context.logger.info(
            "verify-remote: \(confirmed) of \(candidates.count) unchanged files confirmed by listing '\(prefix)'; \(stale.count) to upload again",
            metadata: .event(
                "verify_remote",
                ["confirmed": .number(confirmed), "stale": .number(stale.count)]
            )
        )
    }

    private func runJobs(_ todo: [Int32]) async {
        let runner = JobRunner(context: context)
        let slots = Slots(
            small: AsyncSemaphore(permits: context.settings.concurrency),
            multipart: AsyncSemaphore(permits: context.settings.filesInFlight)
        )
        // A discarding group frees each finished job at once; a plain task group would keep every child's
        // result until awaited, which grows with the batch (100,000 files → gigabytes).
        await withDiscardingTaskGroup { group in
            var aside = KeysSetAside()
            for position in todo {
                if context.isStopping || Task.isCancelled { return }
                switch await dispatch(position, runner: runner, slots: slots, into: &group) {
                case .started, .noSlot: break
                case .held(let busy): setAside(position, busy, in: &aside)
                case .stop: return
                }
                if aside.isDue {
                    let retried = await aside.retry {
                        await self.dispatch($0, runner: runner, slots: slots, waitingForASlot: false, into: &group)
                    }
                    guard retried else { return }
                }
            }
            await finishSetAside(&aside, runner: runner, slots: slots, into: &group)
            if aside.everSetAside > Self.setAsideKeysLogged {
                context.logger.warning(
                    "\(aside.everSetAside) keys in all were held by other processes and set aside (the first \(Self.setAsideKeysLogged) named above)"
                )
            }
        }
    }

    /// The two limits a job takes a slot of: requests of single-request jobs, and multipart files in flight.
    private struct Slots {
        var small: AsyncSemaphore
        var multipart: AsyncSemaphore
    }

    /// What became of a job the run tried to start.
    enum Dispatch {
        case started
        /// Another process holds the job's key: the job was not started.
        case held(BusyError)
        /// The batch is stopping (or its key lock file cannot be used): start nothing more.
        case stop
        /// Not tried: no slot was free, and the caller would not wait for one (a set-aside job tried again
        /// between others must not hold up their dispatch while its slot kind is full: review of 0529f72).
        case noSlot
    }

    /// Starts the job at `position` in `group` once it has a slot and its key: a key another process holds is
    /// not waited for here (`KeysSetAside`).
    private func dispatch(
        _ position: Int32,
        runner: JobRunner,
        slots: Slots,
        waitingForASlot: Bool = true,
        into group: inout DiscardingTaskGroup
    ) async -> Dispatch {
        let index = Int(position)
        // A job whose callback failed is uploaded again for its receiver to be called, and one an earlier run
        // left pending or failed may have been stored by it (a kill, a stop or a lost last answer after the
        // object was made: `JobRunner.run`).
        let hadEarlierRuns = !context.earlierRunWindows.isEmpty
        let (job, redoingCallback, mayHaveBeenSent) = state.withLock {
            (
                $0.jobs[index].spec, $0.jobs[index].outcome.owesCallback,
                hadEarlierRuns
                    && ($0.jobs[index].outcome.status == .pending || $0.jobs[index].outcome.status == .failed)
            )
        }
        let slot: AsyncSemaphore
        if case .multipart = job.method { slot = slots.multipart } else { slot = slots.small }
        if waitingForASlot {
            do { try await slot.acquire() } catch { return .stop }
        } else if !slot.tryAcquire() {
            return .noSlot
        }
        guard !context.isStopping else {
            slot.release()
            return .stop
        }
        let busy: BusyError?
        do { busy = try keyLocks.lock(job.key) } catch {
            slot.release()
            context.requestStop(.fatal(JobError(code: "LockError", message: error.description)))
            return .stop
        }
        if let busy {
            slot.release()
            return .held(busy)
        }
        todo.withLock { _ = $0.started.insert(position) }
        // Before the task starts: `finishSetAside` reads "none of this run's jobs is running" from it.
        inFlight.withLock { $0[index] = job.source }
        group.addTask {
            let (outcome, ran, retries, refusals) = await runner.run(
                job,
                redoingCallback: redoingCallback,
                mayHaveBeenSent: mayHaveBeenSent
            )
            slot.release()
            // Held on by the index writer until the key's entry is written (`IndexWriter`).
            let held = self.record(
                outcome,
                retries: retries,
                refusals: refusals,
                index: index,
                ran: ran,
                planned: job
            )
            if !held { self.keyLocks.unlock(job.key) }
        }
        return .started
    }

    /// How many set-aside keys are named in the log, one line each; the rest are counted.
    private static let setAsideKeysLogged = 20

    private func setAside(_ position: Int32, _ busy: BusyError, in aside: inout KeysSetAside) {
        aside.add(position, busy)
        // By how many were ever set aside: the number set aside now falls as keys are taken, and a cap on it
        // logged a line for every key of two batches that overlap all night (review of 0529f72).
        if aside.everSetAside <= Self.setAsideKeysLogged {
            context.logger.warning(
                "\(busy); set aside, tried again after the other files",
                metadata: .event(
                    "key_set_aside",
                    ["key": .string(state.withLock { $0.jobs[Int(position)].spec.objectKey.path })]
                )
            )
        } else if aside.everSetAside == Self.setAsideKeysLogged + 1 {
            context.logger.warning("… and more keys in use by other processes (counted when the run ends)")
        }
    }

    /// How long a run with nothing else left waits for keys another process holds: `abort` holds a key for
    /// the few requests it needs; a batch holding it longer is uploading it, and this batch stops as busy.
    static let keyLockPatience: Duration = .seconds(5)

    /// The jobs set aside, tried again every 100 ms while this run's other jobs run, then for
    /// `keyLockPatience` once none is left running; keys still held then stop the batch as busy (exit 4),
    /// their jobs left for `resume`.
    private func finishSetAside(
        _ aside: inout KeysSetAside,
        runner: JobRunner,
        slots: Slots,
        into group: inout DiscardingTaskGroup
    ) async {
        var idleSince: ContinuousClock.Instant?
        while !aside.isEmpty {
            if context.isStopping || Task.isCancelled { return }
            // Waiting for a slot is right here: nothing else is left to dispatch.
            guard await aside.retry({ await self.dispatch($0, runner: runner, slots: slots, into: &group) })
            else { return }
            guard let first = aside.entries.first else { return }
            if !inFlight.withLock({ $0.isEmpty }) {
                idleSince = nil
            } else {
                let since = idleSince ?? ContinuousClock.now
                idleSince = since
                if ContinuousClock.now - since >= Self.keyLockPatience {
                    let more = aside.count > 1 ? " (and \(aside.count - 1) more key(s) in use)" : ""
                    if context.requestStop(.busy(first.busy)) {
                        context.logger.error("stopping the batch: \(first.busy)\(more)")
                    }
                    return
                }
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Journals one outcome and updates the in-memory report. Returns whether the index writer took the
    /// job's key, to release once the key's entry is written.
    private func record(
        _ ended: JobOutcome,
        retries: Int,
        refusals: Int,
        index: Int,
        ran: UploadJob,
        planned: UploadJob
    ) -> Bool {
        inFlight.withLock { $0[index] = nil }
        context.noteActivity()
        // After an abandoned run's report was written, nothing more goes into it or its journal.
        guard !finishing.load(ordering: .sequentiallyConsistent) else { return false }
        progress.finished(ended.status, bytes: ran.size, retries: retries)
        var outcome = state.withLock { report in
            let outcome = ended.keepingOwedCallback(of: report.jobs[index].outcome)
            report.jobs[index].outcome = outcome
            if ran != planned { report.jobs[index].spec = ran }
            return outcome
        }
        // One `job_finished` event per job; its message and fields are built only when its level is logged.
        switch outcome.status {
        case .failed:
            context.logger.error(
                "\(outcome.key): failed: \(outcome.error.map { "\($0)" } ?? "unknown error")\(retried(retries, of: outcome))",
                metadata: .event("job_finished", job: ran, .outcome(outcome, retries: retries))
            )
        case .succeeded, .skipped:
            // Retries that were all refusals for coming too fast are the batch's pace (one notice says it), not
            // this job's trouble: a line each made a throttled night's mail as long as the batch.
            if retries > refusals {
                context.logger.info(
                    "\(outcome.key): \(outcome.status.rawValue)\(retried(retries, of: outcome))",
                    metadata: .event("job_finished", job: ran, .outcome(outcome, retries: retries))
                )
            } else {
                context.logger.debug(
                    "\(outcome.key): \(outcome.status.rawValue)",
                    metadata: .event("job_finished", job: ran, .outcome(outcome, retries: retries))
                )
            }
        case .pending:
            // A stopping batch says so once; its summary counts what is pending.
            context.logger.debug(
                "\(outcome.key): stopped, will resume\(retried(retries, of: outcome))",
                metadata: .event("job_finished", job: ran, .outcome(outcome, retries: retries))
            )
        }
        for warning in outcome.warnings ?? [] {
            context.logger.warning(
                "\(outcome.key): \(warning)",
                metadata: .event("job_warning", job: ran, ["warning": .string(warning)])
            )
        }
        // Logged when found (`unchanged_stale`, the first few by name): the report line says it of each.
        if foundStale.withLock({ $0.contains(index) }) {
            outcome.warnings = [Self.staleWarning] + (outcome.warnings ?? [])
            state.withLock { $0.jobs[index].outcome = outcome }
        }
        do {
            try store.record(outcome, spec: ran == planned ? nil : ran)
            return indexWriter?.add(ran, outcome) ?? false
        } catch {
            // Without the journal a crash could lose what happened; stop rather than go on unrecorded.
            journalFailed(error)
            return false
        }
    }

    /// The journal could not be written or synced: the batch stops (fatal `ReportError`) rather than go on with
    /// outcomes a crash could lose.
    private func journalFailed(_ error: StateFileError) {
        context.logger.error(
            "cannot write the journal: \(error)",
            metadata: .event("journal_write_failed", ["path": .string(error.path), "error": .string(error.reason)])
        )
        context.requestStop(.fatal(JobError(code: "ReportError", message: error.description)))
    }

    /// What a job's log line says about its retries: nothing when none was needed.
    private func retried(_ retries: Int, of outcome: JobOutcome) -> String {
        guard retries > 0 else { return "" }
        return " (after \(retries) \(retries == 1 ? "retry" : "retries"), \(outcome.attempts) requests)"
    }

    private func finish(writeError: StateFileError?) -> RunResult {
        var report = state.withLock { $0 }
        let (positions, started) = todo.withLock { $0 }
        if context.isStopping {
            // Never tried by this run: an earlier run's failure is not this run's, and the job is simply still to
            // do (audit of 72b75db: a resume stopped as unreachable listed "after 6 attempts" errors for jobs it
            // never tried, where the docs say every unfinished job is pending).
            for position in positions where !started.contains(position) {
                let i = Int(position)
                if report.jobs[i].status == .failed {
                    // Its open upload stays named: dropped, `open_uploads` said 0, a `fatal` report with no open
                    // upload counted as finished, and the next `run` replaced it (review of e4ab55a).
                    let (uploadID, checkpoint) = (report.jobs[i].outcome.uploadID, report.jobs[i].outcome.checkpoint)
                    var pending = JobOutcome(key: report.jobs[i].spec.objectKey, status: .pending)
                    if let uploadID { pending.uploadID = uploadID }
                    if let checkpoint { pending.checkpoint = checkpoint }
                    report.jobs[i].outcome = pending.keepingOwedCallback(of: report.jobs[i].outcome)
                }
            }
        }
        if started.isEmpty && !context.isStopping {
            // No job ran, none changed (the listing check counts its own changes): the totals are the ones the
            // report was made or read with. Counted again, a night of 200,000 unchanged files spent 3–5 ms here.
            assert(report.totalsAreCurrent, "a job changed without being started")
        } else {
            report.recomputeTotals()
        }
        let exit: ExitStatus
        if let writeError {
            report.status = .fatal
            report.fatalError = JobError(code: "ReportError", message: writeError.description)
            exit = .fatal
        } else {
            switch context.stopReason {
            case .interrupted(let signal)?:
                report.status = .interrupted
                exit = signal.exitStatus
            case .fatal(let error)?:
                report.status = .fatal
                report.fatalError = error
                exit = .fatal
            case .busy(let busy)?:
                report.status = .fatal
                // Not `Busy` (a run refused at the start, which ran nothing): this one ran every job but those
                // whose keys another process held to the end, and `resume` finishes it.
                report.fatalError = JobError(code: "KeyBusy", message: busy.description)
                exit = .busy
            case nil:
                if report.totals.failed > 0 || report.totals.pending > 0 {
                    report.status = .failed
                    exit = .jobsFailed
                } else {
                    // Nothing left for `resume`; but files that could not be read or had vanished are not in
                    // the bucket, and cron must notice.
                    report.status = .succeeded
                    exit = report.filesLeftBehind > 0 ? .jobsFailed : .success
                }
            }
        }
        let now = Timestamp.iso8601()
        report.updatedAt = now
        if !report.runs.isEmpty {
            report.runs[report.runs.count - 1].finishedAt = now
            report.runs[report.runs.count - 1].status = report.status
            report.runs[report.runs.count - 1].exitCode = exit.rawValue
            report.runs[report.runs.count - 1].error = report.status == .fatal ? report.fatalError : nil
        }
        var finalExit = exit
        if writeError == nil {
            do { try store.write(report) } catch {
                context.logger.error(
                    "cannot write the report: \(error)",
                    metadata: .event(
                        "report_write_failed",
                        ["path": .string(error.path), "error": .string(error.reason)]
                    )
                )
                finalExit = .fatal
                // What the summary and metrics say: the batch's outcome is not on disk.
                report.status = .fatal
                report.fatalError = JobError(code: "ReportError", message: error.description)
            }
        }
        return RunResult(report: report, exitStatus: finalExit)
    }
}
