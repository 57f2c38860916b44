import ArgumentParser
import Foundation
import OSSBatch

/// `ossbatch resume REPORT`: finish what a report says is not done.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract:
            "Finish a batch from its report: re-send nothing that succeeded, continue multipart uploads from their checkpoints.",
        discussion:
            "Needs no manifest: the report holds the plan. Credentials are resolved afresh (an STS token may have been rotated). The outcome is written to the same report. A report that 'ossbatch abort' gave up is refused without --force. Another process working on the report or its batch: exit 4."
    )

    @OptionGroup var target: ReportArguments

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
    }

    func run() async throws {
        let console = execution.makeConsole()
        let state = StateDirectory.resolve()
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
            throw ExitCode(ExitStatus.invalidInput.rawValue)
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
        // This process holds the report's lock: a run that never ended is not running.
        if let last = Report.unendedRun(status: report.status, runs: report.runs), let pid = last.pid {
            console.warning(
                "previous_run_killed",
                "the last \(last.command) of this report (pid \(pid) on \(last.host ?? "?"), started \(last.startedAt)) "
                    + "never ended: it was killed; continuing from what it recorded"
            )
        }
        let status = await BatchRunner.execute(
            report: consume report,
            store: store,
            command: "resume",
            options: execution,
            console: console,
            metrics: metrics,
            state: state
        )
        throw ExitCode(status.rawValue)
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
    ]
}
