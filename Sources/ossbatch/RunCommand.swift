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
            target.credentials, or OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET / OSS_SESSION_TOKEN.
            """
    )

    @Argument(help: "The manifest (YAML). Relative paths inside it are resolved against its directory.")
    var manifest: String

    @Option(
        help: ArgumentHelp(
            "Where to write the report. Default: ossbatch-report-<time>.json beside the manifest.",
            valueName: "path"
        )
    )
    var report: String?

    @OptionGroup var target: TargetOptions
    @OptionGroup var execution: ExecutionOptions

    func run() async throws {
        let plan = try target.plan(manifest)
        // `~` is `$HOME`, as in the manifest (NSString's expansion ignores `$HOME`).
        let reportPath =
            report.map { PathResolver.absolute($0, relativeTo: FileManager.default.currentDirectoryPath) }
            ?? RunCommand.defaultReportPath(for: plan)
        if plan.jobs.isEmpty && plan.skipped.isEmpty && !plan.allowEmpty {
            Console.printError("error: the manifest selects no files (add allow_empty: true if that is fine)")
            throw ExitCode(ExitStatus.jobsFailed.rawValue)
        }
        let initial = Report(plan: plan, planID: plan.planID)
        let store: ReportStore
        do {
            store = try ReportStore.create(at: reportPath)
        } catch {
            Console.printError("error: cannot write the report: \(error)")
            throw ExitCode(ExitStatus.fatal.rawValue)
        }
        if !execution.quiet {
            let skipped = plan.skipped.isEmpty ? "" : " (\(plan.skipped.count) skipped: cannot be read)"
            Console.printError(
                "ossbatch: \(plan.jobs.count) files\(skipped), \(ByteSize.format(plan.totals.bytes)) to oss://\(plan.target.bucket) at \(plan.target.endpoint); report: \(reportPath)"
            )
        }
        let status = await BatchRunner.execute(report: initial, store: store, command: "run", options: execution)
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
