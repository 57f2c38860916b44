import ArgumentParser
import CurlHTTP
import Foundation
import Logging
import OSSBatch

/// `ossbatch abort REPORT`: give a batch up and leave no multipart uploads behind.
struct AbortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abort",
        abstract: "Abort every open multipart upload that a report's checkpoints hold, and delete those checkpoints.",
        discussion:
            "For a batch given up on: OSS keeps (and bills) the parts of an unfinished upload until it is aborted."
    )

    @OptionGroup var target: ReportArguments
    @OptionGroup var execution: ExecutionOptions

    func run() async throws {
        let loaded = try target.load()
        let logger = BatchRunner.makeLogger(options: execution, display: ProgressHolder())
        let transport = CurlHTTPClient()
        defer { transport.shutdown() }
        do {
            let result = try await UploadAborter(
                report: loaded,
                logger: logger,
                resolver: CredentialsResolver(
                    commandLineFile: execution.credentialsFile,
                    profile: execution.profile,
                    manifestSource: loaded.credentials
                ),
                transport: transport
            ).abortAll()
            print("aborted \(result.aborted) upload(s), \(result.alreadyGone) already gone, \(result.failed) failed")
            throw ExitCode(result.failed == 0 ? ExitStatus.success.rawValue : ExitStatus.jobsFailed.rawValue)
        } catch let error as CredentialsError {
            Console.printError("error: \(error.message)")
            throw ExitCode(ExitStatus.fatal.rawValue)
        }
    }
}

extension AbortCommand: CommandWithExamples {
    static let examples = [
        (
            what: "Give a batch up: abort its open multipart uploads and delete its checkpoints:",
            command: "ossbatch abort /var/lib/ossbatch/nightly/report.json"
        )
    ]
}
