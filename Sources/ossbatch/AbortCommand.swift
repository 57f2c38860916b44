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
        let console = execution.makeConsole()
        let loaded = try target.load(console: console)
        let logger = console.logger(level: execution.effectiveLogLevel)
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
            let exit = result.failed == 0 ? ExitStatus.success : ExitStatus.jobsFailed
            switch execution.outputFormat {
            case .text:
                Console.print(
                    "aborted \(result.aborted) upload(s), \(result.alreadyGone) already gone, \(result.failed) failed\n"
                )
            case .json:
                let summary: [String: LogValue] = [
                    "aborted": .number(result.aborted), "already_gone": .number(result.alreadyGone),
                    "failed": .number(result.failed), "exit_code": .number(exit.rawValue),
                    "report": .string(target.report),
                ]
                // A dictionary of `LogValue`s always encodes.
                Console.write(Data(((try? StreamingJSONEncoder().encode(summary)) ?? []) + [UInt8(ascii: "\n")]))
            }
            throw ExitCode(exit.rawValue)
        } catch let error as CredentialsError {
            console.error("no_credentials", error.message, ["code": "NoCredentials"])
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
