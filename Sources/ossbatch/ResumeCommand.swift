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
            "Needs no manifest: the report holds the plan. Credentials are resolved afresh (an STS token may have been rotated). The outcome is written to the same report."
    )

    @OptionGroup var target: ReportArguments
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
        let store: ReportStore
        var report: Report
        (store, report) = try target.open(console: console)
        if let mode = verify.flatMap(VerifyMode.init(rawValue:)) { report.upload.verify = mode }
        let reporter = MetricsReporter(options: metrics, batch: report.batchName, console: console)
        let status = await BatchRunner.execute(
            report: consume report,
            store: store,
            command: "resume",
            options: execution,
            console: console,
            metrics: reporter
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
