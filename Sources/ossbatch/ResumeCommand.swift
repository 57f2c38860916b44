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

    @Flag(help: "Resume a batch that 'ossbatch abort' gave up: its unfinished jobs start new uploads.")
    var force = false

    @OptionGroup var execution: ExecutionOptions

    func run() async throws {
        let state = StateDirectory.resolve()
        let path = target.path
        let reportLock = try StateLocking.lockReport(path, command: "resume", manifest: nil)
        defer { reportLock.release() }
        var (store, report) = try target.open()
        if report.status == .aborted && !force {
            let error = JobError(
                code: "Aborted",
                message: "the batch was given up by 'ossbatch abort'; resume --force starts new uploads for its "
                    + "unfinished jobs"
            )
            report.recordRefusedRun("resume", exitStatus: .invalidInput, error: error)
            try? store.write(report)
            Console.printError("error: \(path): \(error.message)")
            throw ExitCode(ExitStatus.invalidInput.rawValue)
        }
        let batchLock: StateLock
        do {
            batchLock = try BatchLock.acquire(
                manifest: report.manifest,
                bucket: report.target.bucket,
                report: path,
                command: "resume",
                in: state
            )
        } catch {
            report.recordRefusedRun("resume", exitStatus: error.exitStatus, error: error.jobError)
            try? store.write(report)
            throw StateLocking.exit(for: error)
        }
        defer { batchLock.release() }
        // This process holds the report's lock: a run that never ended is not running.
        if let last = Report.unendedRun(status: report.status, runs: report.runs), let pid = last.pid {
            Console.warn(
                "the last \(last.command) of this report (pid \(pid) on \(last.host ?? "?"), started \(last.startedAt)) "
                    + "never ended: it was killed; continuing from what it recorded"
            )
        }
        let status = await BatchRunner.execute(
            report: report,
            store: store,
            command: "resume",
            options: execution,
            state: state
        )
        throw ExitCode(status.rawValue)
    }
}
