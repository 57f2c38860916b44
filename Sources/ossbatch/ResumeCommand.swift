import ArgumentParser
import Foundation
import LocalFiles
import OSSBatch

/// `ossbatch resume REPORT`: finish what a report says is not done; `resume --batch NAME`: every report of a
/// batch that `status` says to resume.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract:
            "Finish a batch from its report: re-send nothing that succeeded, continue multipart uploads from their checkpoints.",
        discussion:
            "Needs no manifest: the report holds the plan. Credentials are resolved afresh (an STS token may have been rotated). The outcome is written to the same report. A report that 'ossbatch abort' gave up is refused without --force. Another process working on the report or its batch: exit 4. With --batch NAME instead of a report: each report of the batch that 'ossbatch status NAME' says to resume, its newest night first (a fatal error, busy or a signal stops there, with its exit code; else the exit code is the first that was not 0); nothing while a report of the batch is running (exit 4)."
    )

    @Argument(
        help: ArgumentHelp("The report of an earlier run (also works after kill -9).", valueName: "report"),
        completion: .file(extensions: ["json"])
    )
    var report: String?

    @Option(
        help: ArgumentHelp(
            "Instead of a report: resume every report of this batch in the state directory that 'ossbatch status' says to resume (a night left unfinished, one whose dated snapshot stays incomplete), newest first.",
            valueName: "name"
        )
    )
    var batch: String?

    @OptionGroup var endpoint: EndpointOverride

    @Flag(
        help:
            "Resume a batch that 'ossbatch abort' gave up: its unfinished jobs are uploaded (continuing any upload the abort could not close)."
    )
    var force = false

    @OptionGroup var execution: ExecutionOptions
    @OptionGroup var metrics: MetricsOptions

    @Option(
        help: ArgumentHelp(
            "Replace the report's upload.verify: crc64, md5, both or none (md5 for a server without CRC-64).",
            valueName: "mode"
        )
    )
    var verify: String?

    func validate() throws {
        if let verify, VerifyMode(rawValue: verify) == nil {
            throw ValidationError("--verify must be one of crc64, md5, both, none")
        }
        switch (report, batch) {
        case (nil, nil): throw ValidationError("give the report to resume, or --batch NAME")
        case (.some, .some): throw ValidationError("give the report to resume or --batch NAME, not both")
        case (nil, .some):
            // An aborted report was given up on purpose: resumed only when named.
            if force { throw ValidationError("--force resumes one aborted report: name it instead of --batch") }
            // The metrics file describes one run of its batch: the resumes of a batch would each replace it,
            // the last one's exit code standing for all.
            if metrics.metricsFile != nil {
                throw ValidationError(
                    "--metrics-file describes one run: with --batch, give it to the run that follows instead"
                )
            }
        case (.some, nil): break
        }
    }

    func run() async throws {
        let console = execution.makeConsole()
        let state = StateDirectory.resolve()
        guard let batch else {
            let status: ExitStatus
            do {
                status = try await resume(
                    ReportTarget(report ?? "", endpoint: endpoint),
                    console: console,
                    state: state
                )
            } catch is BatchBusy {
                status = .busy
            }
            throw ExitCode(status.rawValue)
        }
        throw ExitCode(try await resume(batch: batch, console: console, state: state))
    }

    /// A signal that came before a report's run started (`resume --batch`): found once its locks were taken
    /// and it was read, it is left as it was.
    struct StoppedBeforeStart: Error {
        let signal: StopSignal
    }

    /// The batch's lock was held by another process (a run of the batch, running or starting): said and
    /// recorded in the report already, exit 4. `resume --batch` stops at it, since it would refuse every report
    /// after; a report's own lock, or keys another batch holds, concern that report only.
    struct BatchBusy: Error {}

    /// Resumes the report `target`; its exit status (thrown, as `ExitCode`, when it was refused before its run:
    /// another process holds it, it cannot be read; as `BatchBusy` when another holds the batch's lock).
    ///
    /// `signalsTakenBefore` (`resume --batch`): a signal that came since and before the report's locks were
    /// taken and it was read leaves it as it was (`StoppedBeforeStart` is thrown); one after, to the run as it
    /// starts. `beforeAbandonedExit`: what to say last when its run is abandoned and ends the process.
    func resume(
        _ target: ReportTarget,
        console: Console,
        state: StateDirectory,
        signalsTakenBefore: Int? = nil,
        beforeAbandonedExit: (@Sendable () -> Void)? = nil
    ) async throws -> ExitStatus {
        let path = target.path
        let reportLock: StateLock
        do { reportLock = try target.lock(command: "resume", console: console) } catch let exit as ExitCode {
            // Not busy (the holder's metrics are its own): the report cannot be locked, and the metrics say so
            // (they kept the night before's exit code, review of ca63f16). Named from the report, read unlocked.
            if exit.rawValue != ExitStatus.busy.rawValue, let overview = try? ReportOverview.read(path) {
                MetricsReporter(
                    options: metrics,
                    batch: Report.batchName(manifestPath: overview.manifest),
                    shard: overview.shard?.shard,
                    console: console
                )?
                .finish(exit: ExitStatus(rawValue: exit.rawValue) ?? .fatal, report: nil)
            }
            throw exit
        }
        defer { reportLock.release() }
        var (store, report) = try target.open(console: console)
        let metrics = MetricsReporter(
            options: metrics,
            batch: report.batchName,
            shard: report.shard?.shard,
            console: console
        )
        if let batch = state.batch(holdingReport: path) {
            metrics?.countIncompleteSnapshots(ofBatch: batch, in: state, besides: path)
        }
        if report.status == .aborted && !force {
            let error = JobError(
                code: "Aborted",
                message: "the batch was given up by 'ossbatch abort'; resume --force uploads its unfinished jobs "
                    + "(continuing any upload the abort could not close)"
            )
            report.recordRefusedRun("resume", exitStatus: .invalidInput, error: error)
            try? store.write(report)
            console.error("report_aborted", "\(path): \(error.message)", ["report": .string(path)])
            metrics?.finish(exit: .invalidInput, report: report)
            return .invalidInput
        }
        if let mode = verify.flatMap(VerifyMode.init(rawValue:)) { report.upload.verify = mode }
        let batchLock: StateLock
        do {
            batchLock = try BatchLock.acquire(
                manifest: report.manifest,
                bucket: report.target.bucket,
                shard: report.shard?.shard,
                report: path,
                command: "resume",
                in: state
            )
        } catch {
            report.recordRefusedRun("resume", exitStatus: error.exitStatus, error: error.jobError)
            try? store.write(report)
            if error.exitStatus == .busy {
                metrics?.leaveForTheRunningBatch()
            } else {
                metrics?.finish(exit: error.exitStatus, report: report)
            }
            let exit = StateLocking.exit(for: error, console: console)
            if error.exitStatus == .busy { throw BatchBusy() }
            throw exit
        }
        defer { batchLock.release() }
        if let before = signalsTakenBefore, SignalPipe.signalsTaken.count > before {
            throw StoppedBeforeStart(signal: StopSignal(number: SignalPipe.signalsTaken.last))
        }
        // This process holds the report's lock: a run that never ended is not running.
        if let last = Report.unendedRun(status: report.status, runs: report.runs), let pid = last.pid {
            console.warning(
                "previous_run_killed",
                "the last \(last.command) of this report (pid \(pid) on \(last.host ?? "?"), started \(last.startedAt)) "
                    + "never ended: it was killed; continuing from what it recorded"
            )
        }
        return await BatchRunner.execute(
            report: consume report,
            store: store,
            command: "resume",
            options: execution,
            console: console,
            metrics: metrics,
            state: state,
            signalsTakenBefore: signalsTakenBefore,
            beforeAbandonedExit: beforeAbandonedExit
        )
    }
}

extension ResumeCommand: CommandWithExamples {
    static let examples = [
        (
            what: "Finish what a failed, interrupted or killed run left (same keys, even a day later):",
            command: "ossbatch resume /var/lib/ossbatch/nightly/report.json"
        ),
        (
            what: "The same batch, now that LocalOSS listens on another port:",
            command: "ossbatch resume report.json --endpoint http://127.0.0.1:9100"
        ),
        (
            what: "Every night of a batch that status says to resume (the systemd unit's first step):",
            command: "ossbatch resume --batch nightly"
        ),
    ]
}
