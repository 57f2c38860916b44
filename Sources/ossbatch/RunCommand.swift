import ArgumentParser
import Foundation
import OSSBatch

/// `ossbatch run MANIFEST`: plan the manifest and upload the batch.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Upload the files a manifest selects, resumably, and write a JSON report.",
        discussion: """
            The report is written before the first request and kept current (outcomes are appended to \
            REPORT.journal as they happen), so a run that fails, is interrupted or killed can be finished \
            with 'ossbatch resume REPORT'. Credentials come from --credentials-file, the manifest's \
            target.credentials, or OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET / OSS_SESSION_TOKEN. \
            Another run of the same manifest (or resume of its batch) in progress: exit 4.
            """
    )

    @Argument(help: "The manifest (YAML). Relative paths inside it are resolved against its directory.")
    var manifest: String

    @Option(
        help: ArgumentHelp(
            "Where to write the report. Default: a new file in the state directory, STATE/BATCH/reports/. "
                + "A finished report already there is kept as PATH.prev; an unfinished one is refused.",
            valueName: "path"
        )
    )
    var report: String?

    @Option(
        help: ArgumentHelp(
            "How many reports of this batch to keep in the state directory (default reports only; unfinished "
                + "ones are never removed).",
            valueName: "n"
        )
    )
    var keepReports: Int = 30

    @OptionGroup var target: TargetOptions
    @OptionGroup var execution: ExecutionOptions

    mutating func validate() throws {
        guard (1...100_000).contains(keepReports) else { throw ValidationError("--keep-reports must be 1 to 100000") }
    }

    func run() async throws {
        let state = StateDirectory.resolve()
        let plan = try target.plan(manifest)
        let defaultReport = report == nil
        let reportPath: String
        do {
            // `~` is `$HOME`, as in the manifest (NSString's expansion ignores `$HOME`).
            reportPath =
                try report.map { PathResolver.absolute($0, relativeTo: FileManager.default.currentDirectoryPath) }
                ?? DefaultReports.newPath(batch: plan.batchName, in: state)
        } catch {
            Console.printError("error: cannot write the report: \(error)")
            throw ExitCode(ExitStatus.fatal.rawValue)
        }
        let reportLock = try StateLocking.lockReport(reportPath, command: "run", manifest: plan.manifestPath)
        defer { reportLock.release() }
        let replacing: Bool
        do { replacing = try ReportReplacement.check(reportPath) } catch {
            Console.printError("error: \(error)")
            throw ExitCode(ExitStatus.invalidInput.rawValue)
        }
        if plan.jobs.isEmpty && !plan.allowEmpty {
            Console.printError("error: the manifest selects no files (add allow_empty: true if that is fine)")
            throw ExitCode(ExitStatus.jobsFailed.rawValue)
        }
        var initial = Report(plan: plan, planID: plan.planID)
        let store: ReportStore
        do {
            if replacing { try ReportReplacement.keepPrevious(reportPath) }
            store = try ReportStore.create(at: reportPath)
        } catch {
            Console.printError("error: cannot write the report: \(error)")
            throw ExitCode(ExitStatus.fatal.rawValue)
        }
        let batchLock: StateLock
        do {
            batchLock = try BatchLock.acquire(
                manifest: plan.manifestPath,
                bucket: plan.target.bucket,
                report: reportPath,
                command: "run",
                in: state
            )
        } catch {
            initial.recordRefusedRun("run", exitStatus: error.exitStatus, error: error.jobError)
            try? store.write(initial)
            throw StateLocking.exit(for: error)
        }
        defer { batchLock.release() }
        StateLocking.warnIfCrashed(batchLock)
        if !execution.quiet {
            Console.printError(
                "ossbatch: \(plan.jobs.count) files, \(ByteSize.format(plan.totals.bytes)) to oss://\(plan.target.bucket) at \(plan.target.endpoint); report: \(reportPath)"
            )
        }
        let status = await BatchRunner.execute(
            report: initial,
            store: store,
            command: "run",
            options: execution,
            state: state
        )
        if defaultReport { DefaultReports.prune(batch: plan.batchName, in: state, keep: keepReports) }
        throw ExitCode(status.rawValue)
    }
}
