import ArgumentParser
import CurlHTTP
import Foundation
import LocalFiles
import Logging
import OSSBatch
import OSSKit

/// Runs a batch from a report to its end, the part `run` and `resume` share: credentials, the engine,
/// signals, progress, the summary, the metrics file and the exit code.
enum BatchRunner {
    /// `report` is handed on to the engine, not kept (the engine's first outcome would copy every job).
    /// `clockOffset`: seconds OSS's clock is ahead of this machine's, when `run`'s clock check found out.
    static func execute(
        report: consuming Report,
        store: ReportStore,
        command: String,
        options: ExecutionOptions,
        console: Console,
        metrics: MetricsReporter?,
        state: StateDirectory,
        clockOffset: Int64 = 0,
        signalsTakenBefore: Int? = nil,
        beforeAbandonedExit: (@Sendable () -> Void)? = nil
    ) async -> ExitStatus {
        let logger = console.logger(level: options.effectiveLogLevel)
        // Signals are caught from here on, before the banner: one sent as soon as the banner shows still
        // stops the batch with its report.
        let stopper = StopForwarder(grace: options.stopGraceDuration)
        @Sendable func stop(_ signal: StopSignal, repeated: Bool) {
            logger.notice(
                repeated ? "\(signal.rawValue) again: stopping now" : "\(signal.rawValue): stopping",
                metadata: .event(
                    "signal",
                    ["signal": .string(signal.rawValue), "repeated": .stringConvertible(repeated)]
                )
            )
            stopper.signal(signal, repeated: repeated)
        }
        let watcher = SignalWatcher(onSignal: stop)
        defer { watcher.cancel() }
        // A signal that came since `signalsTakenBefore` and before this watcher (`resume --batch`, between its
        // check and here: ignored then) stops this batch as one that came now would.
        let taken = watcher.signalsTakenBefore
        if let before = signalsTakenBefore, taken.count > before {
            stop(StopSignal(number: taken.last), repeated: false)
        }
        if !options.quiet { console.emit(banner(report: report, reportPath: store.path, command: command)) }

        let keyLocks: KeyLocks
        do { keyLocks = try KeyLocks.forBucket(report.target.bucket, in: state) } catch {
            let problem = JobError(code: "LockError", message: "\(error)")
            refuse(
                report,
                store: store,
                command: command,
                problem: problem,
                resume: options.resumeCommand(store.path),
                console: console,
                metrics: metrics
            )
            return .fatal
        }
        let transport = CurlHTTPClient(configuration: CurlHTTPConfiguration(batch: copy report))
        let resolver = CredentialsResolver(
            commandLineFile: options.credentialsFile,
            profile: options.profile,
            manifestSource: report.credentials
        )
        // In a task a signal can cancel: a credential service (STS, the metadata service) that does not answer
        // is asked three times, 30 s each.
        let lookup = Task { () async -> Result<any CredentialsProvider, CredentialsError> in
            do throws(CredentialsError) {
                return .success(
                    try await resolver.provider(transport: transport) { event in
                        // Renewals of temporary credentials: when and from where, never the values.
                        switch event {
                        case .refreshFailed: logger.warning("\(event)")
                        case .obtained, .refreshed, .unchanged: logger.info("\(event)")
                        }
                    }
                )
            } catch {
                return .failure(error)
            }
        }
        stopper.cancelsStart { lookup.cancel() }
        let credentials: any CredentialsProvider
        switch await lookup.value {
        case .success(let provider):
            credentials = provider
        case .failure(let error):
            transport.shutdown()
            if let signal = stopper.signalBeforeStart {
                return interruptedAtStart(
                    report,
                    by: signal,
                    store: store,
                    command: command,
                    resume: options.resumeCommand(store.path),
                    console: console,
                    metrics: metrics
                )
            }
            let problem = JobError(code: "NoCredentials", message: error.message)
            refuse(
                report,
                store: store,
                command: command,
                problem: problem,
                resume: options.resumeCommand(store.path),
                console: console,
                metrics: metrics
            )
            return .fatal
        }

        let session = BatchSession(
            report: consume report,
            store: store,
            credentials: credentials,
            transport: transport,
            keyLocks: keyLocks,
            state: state,
            logger: logger,
            clockOffset: clockOffset
        )
        let engine = session.engine
        stopper.attach(engine)
        let interval = Duration.seconds(options.progressInterval)
        let progress = ProgressDisplay(progress: engine.progress, console: console, interval: interval)
        if !options.quiet { progress.start() }
        metrics?.start(report: engine.report, progress: engine.progress, interval: interval)
        let started = ContinuousClock.now
        let quiet = options.quiet
        let outputFormat = options.outputFormat
        let logLevel = options.effectiveLogLevel
        let reportPath = store.path
        /// The end of a run, from its result: the summary, the metrics file, the exit status.
        @Sendable func conclude(_ result: RunResult) -> ExitStatus {
            KeptUntilExit.keep(result.report)
            progress.stop()
            // The batch has ended: a signal now has nothing to stop (the early returns cancel through the defer).
            watcher.cancel()
            transport.shutdown()

            let snapshot = engine.progress.snapshot
            // Before the summary: a stdout that blocks (a pipe nobody reads) must not hold the metrics back.
            func writeMetrics(_ exit: ExitStatus, _ report: Report, batchSucceeded: Bool? = nil) {
                metrics?.finish(
                    exit: exit,
                    report: report,
                    bytesSent: snapshot.bytesSent,
                    retries: snapshot.retries,
                    clockOffset: session.client.clockOffset,
                    batchSucceeded: batchSucceeded
                )
            }
            writeMetrics(result.exitStatus, result.report)
            var summary = RunSummary(
                command: command,
                report: result.report,
                reportPath: reportPath,
                resumeCommand: options.resumeCommand(reportPath),
                exitStatus: result.exitStatus,
                elapsed: ContinuousClock.now - started,
                bytesSent: snapshot.bytesSent
            )
            summary.reportOnDisk = (try? FileManager.default.attributesOfItem(atPath: reportPath)) != nil
            // No report was ever written, so no job ran: its journal holds nothing and would be left beside no
            // report (audit of 49872c5, under `ulimit -f 1`).
            if !summary.reportOnDisk { unlink(reportPath + ".journal") }
            // With JSON logs the summary is a log record too: log collectors read stderr only.
            let record = summary.record()
            if console.format == .json, record.level >= logLevel { console.emit(record) }
            if !quiet || result.exitStatus != .success {
                switch outputFormat {
                case .text: Console.print(summary.text())
                case .json: Console.write(Data(summary.json()))
                }
            }
            // A summary stdout could not take makes the exit status 3 (`Console.exitStatus(afterOutput:)`): for a
            // batch that succeeded, the report's run and the metrics say so too (audit of 49872c5: both said 0).
            // An exit 1 is kept there: what it says (sources that could not be read) is what needs doing.
            if Console.standardOutput.failureReason != nil, result.exitStatus == .success {
                var report = result.report
                if !report.runs.isEmpty {
                    report.runs[report.runs.count - 1].exitCode = ExitStatus.fatal.rawValue
                    try? store.write(report)
                }
                writeMetrics(.fatal, report, batchSucceeded: true)
            }
            return result.exitStatus
        }
        let result = await engine.run(command: command) { abandoned in
            // Jobs are stuck in calls that never return (`RunWatchdog`): the report is written; this thread ends
            // the process, and the stuck threads with it.
            let status = conclude(abandoned)
            beforeAbandonedExit?()
            console.endProcess(afterOutput: status.rawValue)
        }
        return conclude(result)
    }

    /// Records a run that could not start (no credentials, unusable lock files) as fatal, with its `runs[]`
    /// entry, and says so: nothing was sent.
    private static func refuse(
        _ report: Report,
        store: ReportStore,
        command: String,
        problem: JobError,
        resume: String,
        console: Console,
        metrics: MetricsReporter?
    ) {
        var failed = report
        failed.status = .fatal
        failed.fatalError = problem
        failed.recordRefusedRun(command, exitStatus: .fatal, error: problem)
        try? store.write(failed)
        let credentials = problem.code == "NoCredentials"
        let advice =
            "nothing was sent; fix \(credentials ? "the credentials" : "this") and run: \(resume)"
        console.emit(
            LogRecord(
                level: .error,
                event: credentials ? "no_credentials" : "lock_error",
                message: "\(problem.message) (\(advice))",
                fields: [
                    "code": .string(problem.code), "report": .string(store.path),
                    "resume_command": .string(resume),
                ],
                text: "error: \(problem.message)",
                followingLines: ["report: \(store.path) (\(advice))"]
            )
        )
        metrics?.finish(exit: .fatal, report: failed)
    }

    /// Records a run stopped by `signal` while the credentials were looked up (the lookup cancelled), with its
    /// `runs[]` entry: nothing was sent, and `resume` continues.
    private static func interruptedAtStart(
        _ report: Report,
        by signal: StopSignal,
        store: ReportStore,
        command: String,
        resume: String,
        console: Console,
        metrics: MetricsReporter?
    ) -> ExitStatus {
        var stopped = report
        let reason = JobError(
            code: "Interrupted",
            message: "\(signal.rawValue) while the credentials were looked up; nothing was sent"
        )
        stopped.recordRefusedRun(command, exitStatus: signal.exitStatus, error: reason, status: .interrupted)
        // The run was interrupted, whatever the report's status stays (a `resume` of a night that ended fatal:
        // the entry copied `fatal` beside exit 143; review of b7bf3fd).
        stopped.runs[stopped.runs.count - 1].status = .interrupted
        try? store.write(stopped)
        console.emit(
            LogRecord(
                level: .notice,
                event: "interrupted",
                message: "\(reason.message); to continue: \(resume)",
                fields: [
                    "signal": .string(signal.rawValue), "report": .string(store.path),
                    "resume_command": .string(resume),
                ],
                text: "interrupted: \(reason.message)",
                followingLines: ["report: \(store.path)", "to continue: \(resume)"]
            )
        )
        metrics?.finish(exit: signal.exitStatus, report: stopped)
        return signal.exitStatus
    }

    /// `ossbatch: 300 files, 1.2 GiB to oss://BUCKET at ENDPOINT; report: PATH` (`resuming 12 of 300 files,
    /// 40 MiB left` for `resume`).
    private static func banner(report: Report, reportPath: String, command: String) -> LogRecord {
        let t = report.totals
        let todo = t.jobs - t.succeeded - t.skipped
        let what =
            command == "resume"
            ? "resuming \(todo) of \(t.jobs) files, \(ByteSize.format(t.bytes - t.bytesDone)) left"
            : "\(t.jobs) files, \(ByteSize.format(t.bytes))"
        let message =
            "\(what) to oss://\(report.target.bucket) at \(report.target.endpoint); report: \(reportPath)"
        return LogRecord(
            level: .info,
            event: "run_started",
            message: message,
            fields: [
                "command": .string(command), "batch": .string(report.batchName),
                "version": .string(OSSBatchVersion.current),
                "files": .number(t.jobs), "bytes": .number(t.bytes), "files_todo": .number(todo),
                "bytes_todo": .number(t.bytes - t.bytesDone), "bucket": .string(report.target.bucket),
                "endpoint": .string(report.target.endpoint), "report": .string(reportPath),
                "plan_id": .string(report.planID),
            ],
            text: "ossbatch: \(message)"
        )
    }
}
