import ArgumentParser
import Foundation
import OSSBatch

/// `ossbatch resume REPORT`: finish what a report says is not done.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Finish a batch from its report: re-send nothing that succeeded, continue multipart uploads from their checkpoints.",
        discussion: "Needs no manifest: the report holds the plan. Credentials are resolved afresh (an STS token may have been rotated). The outcome is written to the same report.")

    @Argument(help: ArgumentHelp("The report of an earlier run (also works after kill -9).", valueName: "report"))
    var report: String

    @Option(help: ArgumentHelp("Send to this endpoint instead of the report's (e.g. a new LocalOSS port).", valueName: "url"))
    var endpoint: String?

    @OptionGroup var execution: ExecutionOptions

    func run() async throws {
        let store: ReportStore
        var loaded: Report
        do {
            (store, loaded) = try ReportStore.open(report)
        } catch {
            Console.printError("error: \(error)")
            throw ExitCode(ExitStatus.invalidInput.rawValue)
        }
        if let endpoint { loaded.target.endpoint = endpoint }
        let status = await BatchRunner.execute(report: loaded, store: store, command: "resume", options: execution)
        throw ExitCode(status.rawValue)
    }
}
