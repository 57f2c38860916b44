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
            target.credentials, OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET / OSS_SESSION_TOKEN, the \
            ALIBABA_CLOUD_* variables, RRSA, the aliyun CLI's config or the ECS RAM role, in that order \
            (docs/manifest.md); temporary ones are renewed before they expire.
            """
    )

    @Argument(
        help: "The manifest (YAML). Relative paths inside it are resolved against its directory.",
        completion: .file(extensions: ["yaml", "yml"])
    )
    var manifest: String

    @Option(
        help: ArgumentHelp(
            "Where to write the report. Default: ossbatch-report-<time>.json beside the manifest.",
            valueName: "path"
        ),
        completion: .file(extensions: ["json"])
    )
    var report: String?

    @OptionGroup var target: TargetOptions
    @OptionGroup var sharding: ShardOptions
    @OptionGroup var execution: ExecutionOptions
    @OptionGroup var metrics: MetricsOptions

    func run() async throws {
        let console = execution.makeConsole()
        let metrics = MetricsReporter(
            options: metrics,
            batch: Report.batchName(manifestPath: manifest),
            console: console
        )
        // The plan lives only until its report is made: the report holds every job, the plan would be a
        // second copy of them for the whole run.
        let (initial, reportPath, selectsNothing): (Report, String, Bool)
        do {
            let whole = try target.plan(manifest, console: console, notes: !execution.quiet)
            let shard = try sharding.resolve()
            // A shard with no lines of a plan that has some is fine: N may exceed the files.
            let plan = shard.map { whole.sharded($0) } ?? whole
            // `~` is `$HOME`, as in the manifest (NSString's expansion ignores `$HOME`).
            let path =
                report.map { PathResolver.absolute($0, relativeTo: FileManager.default.currentDirectoryPath) }
                ?? RunCommand.defaultReportPath(for: plan)
            (initial, reportPath, selectsNothing) = (
                Report(plan: plan, planID: plan.planID),
                shard.map { $0.reportPath(for: path) } ?? path,
                whole.jobs.isEmpty && whole.skipped.isEmpty && !whole.allowEmpty
            )
        } catch {
            metrics?.finish(exit: .invalidInput, report: nil)
            throw error
        }
        if selectsNothing {
            console.error("no_files", "the manifest selects no files (add allow_empty: true if that is fine)")
            metrics?.finish(exit: .jobsFailed, report: initial)
            throw ExitCode(ExitStatus.jobsFailed.rawValue)
        }
        let store: ReportStore
        do {
            store = try ReportStore.create(at: reportPath)
        } catch {
            console.error(
                "report_write_failed",
                "cannot write the report: \(error)",
                ["path": .string(error.path), "error": .string(error.reason)]
            )
            metrics?.finish(exit: .fatal, report: initial)
            throw ExitCode(ExitStatus.fatal.rawValue)
        }
        let status = await BatchRunner.execute(
            report: consume initial,
            store: store,
            command: "run",
            options: execution,
            console: console,
            metrics: metrics
        )
        throw ExitCode(status.rawValue)
    }

    /// `ossbatch-report-YYYYMMDD-HHMMSS.json` in the manifest's directory.
    static func defaultReportPath(for plan: Plan) -> String {
        let dir = (plan.manifestPath as NSString).deletingLastPathComponent
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return dir + "/ossbatch-report-\(formatter.string(from: Date())).json"
    }
}

extension RunCommand: CommandWithExamples {
    static let examples = [
        (
            what: "Upload a batch, the report in a state directory:",
            command: "ossbatch run /etc/ossbatch/nightly.yaml --report /var/lib/ossbatch/nightly/report.json"
        ),
        (
            what: "Unattended: credentials from a file, nothing printed unless something fails:",
            command: "ossbatch run nightly.yaml --credentials-file /etc/ossbatch/nightly.credentials --quiet"
        ),
        (
            what: "Slower for once, without editing the manifest:",
            command: "ossbatch run nightly.yaml --set upload.bandwidth=20MB/s --set upload.concurrency=4"
        ),
    ]
}
