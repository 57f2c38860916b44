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
            let status = try await resume(
                ReportTarget(report ?? "", endpoint: endpoint),
                console: console,
                state: state
            )
            throw ExitCode(status.rawValue)
        }
        guard let found = state.reportsToResume(ofBatch: batch) else {
            let names = state.batchNames()
            console.error(
                "batch_unknown",
                "no batch '\(batch)' in the state directory \(state.path) (its batches: "
                    + (names.isEmpty ? "none" : names.joined(separator: ", ")) + ")",
                ["batch": .string(batch)]
            )
            throw ExitCode(ExitStatus.invalidInput.rawValue)
        }
        if let running = found.running {
            // Its lock would refuse each report in turn, each refusal written into that report.
            StateLocking.printBusy(
                BusyError(what: "the batch \(batch) (its report \(running.report))", holder: running.holder),
                then: "nothing was resumed",
                console: console
            )
            throw ExitCode(ExitStatus.busy.rawValue)
        }
        throw ExitCode(try await resume(found.reports.map(\.report), ofBatch: batch, console: console, state: state))
    }

    /// Resumes `reports` (of batch `batch`), newest first, one after the other. Goes on past a resume that ended
    /// with files failed (1) or a report it could not use (2): the older nights' snapshots are what `--batch` is
    /// for. Stops at one that ended fatal (3: credentials, bucket, endpoint — which would stop each report after
    /// it the same way, minutes of retries each), busy (4) or by a signal, and at a signal that came before a
    /// report started, with that exit code; otherwise returns the first that was not 0.
    private func resume(
        _ reports: [String],
        ofBatch batch: String,
        console: Console,
        state: StateDirectory
    ) async throws -> Int32 {
        if !execution.quiet {
            let message =
                reports.isEmpty
                ? "batch \(batch): nothing to resume"
                : "batch \(batch): resuming \(reports.count) report\(reports.count == 1 ? "" : "s"), newest first: "
                    + reports.joined(separator: ", ")
            console.emit(
                LogRecord(
                    level: .info,
                    event: "resume_batch",
                    message: message,
                    fields: ["batch": .string(batch), "reports": .number(reports.count)],
                    text: message
                )
            )
        }
        // Each resume's own watcher takes the signals while it runs. Between two they are ignored but counted
        // (`SignalPipe.signalsTaken`; before the first resume's watcher, the default action ends the process,
        // nothing of it begun): one since the start stops before the next report, and one that came after that
        // check is handed to the next report's run as it starts (`signalsTakenBefore`).
        let start = SignalPipe.signalsTaken.count
        func signalled() -> StopSignal? {
            let taken = SignalPipe.signalsTaken
            return taken.count > start ? StopSignal(number: taken.last) : nil
        }
        var first = ExitStatus.success.rawValue
        for (i, report) in reports.enumerated() {
            // The report before, kept by its run for a quick exit, is freed: else all would be in memory at once.
            if i > 0 { KeptUntilExit.freeNow() }
            // A signal since the start (too late for the report before, its work done, or between two): this
            // report is not started, nor touched.
            if let signal = signalled() {
                Self.warnStopped(batch, "stopped by \(signal.rawValue)", left: reports[i...], console: console)
                return signal.exitStatus.rawValue
            }
            let code: Int32
            do {
                code = try await resume(
                    ReportTarget(report, endpoint: endpoint),
                    console: console,
                    state: state,
                    signalsTakenBefore: start
                )
                .rawValue
            } catch let stopped as StoppedBeforeStart {
                // Its locks taken and its report read, a signal had come: released untouched.
                Self.warnStopped(batch, "stopped by \(stopped.signal.rawValue)", left: reports[i...], console: console)
                return stopped.signal.exitStatus.rawValue
            } catch let exit as ExitCode {
                // Refused before it ran (busy, unusable): said already.
                code = exit.rawValue
            }
            let stops: [ExitStatus] = [.fatal, .busy, .hungUp, .interrupted, .terminated]
            if let status = ExitStatus(rawValue: code), stops.contains(status) {
                Self.warnStopped(
                    batch,
                    "stopped after \(report) (exit \(code))",
                    left: reports[(i + 1)...],
                    console: console
                )
                // What stopped it, not an earlier night's files failed: a ^C is 130, an endpoint down 3.
                return code
            }
            if first == ExitStatus.success.rawValue { first = code }
        }
        return first
    }

    /// A signal that came before a report's run started (`resume --batch`): found once its locks were taken
    /// and it was read, it is left as it was.
    private struct StoppedBeforeStart: Error {
        let signal: StopSignal
    }

    /// Warning `resume_batch_stopped`: why, and the reports `left` (none: nothing to say).
    private static func warnStopped(_ batch: String, _ why: String, left: ArraySlice<String>, console: Console) {
        guard !left.isEmpty else { return }
        console.warning(
            "resume_batch_stopped",
            "batch \(batch): \(why); not resumed: " + left.joined(separator: ", "),
            ["batch": .string(batch), "not_resumed": .number(left.count)]
        )
    }

    /// Resumes the report `target`; its exit status (thrown, as `ExitCode`, when it was refused before its run:
    /// another process holds it, it cannot be read).
    ///
    /// `signalsTakenBefore` (`resume --batch`): a signal that came since and before the report's locks were
    /// taken and it was read leaves it as it was (`StoppedBeforeStart` is thrown); one after, to the run as it
    /// starts.
    private func resume(
        _ target: ReportTarget,
        console: Console,
        state: StateDirectory,
        signalsTakenBefore: Int? = nil
    ) async throws -> ExitStatus {
        let path = target.path
        let reportLock = try target.lock(command: "resume", console: console)
        defer { reportLock.release() }
        var (store, report) = try target.open(console: console)
        let metrics = MetricsReporter(options: metrics, batch: report.batchName, console: console)
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
            metrics?.finish(exit: error.exitStatus, report: report, stillRunning: error.exitStatus == .busy)
            throw StateLocking.exit(for: error, console: console)
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
            signalsTakenBefore: signalsTakenBefore
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
