import ArgumentParser
import CurlHTTP
import Foundation
import Logging
import OSSBatch

/// `ossbatch abort REPORT`: give a batch up and leave no multipart uploads behind.
struct AbortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abort",
        abstract: "Give a batch up: abort the open multipart uploads it left, delete its checkpoints, mark it aborted.",
        discussion:
            "For a batch given up on: OSS keeps (and bills) the parts of an unfinished upload until it is aborted. Uploads of keys another ossbatch is uploading right now, and uploads another batch took over, are left alone. 'ossbatch resume' refuses an aborted report without --force."
    )

    @OptionGroup var target: ReportArguments
    @OptionGroup var execution: ExecutionOptions

    func run() async throws {
        let state = StateDirectory.resolve()
        let path = target.path
        let reportLock = try StateLocking.lockReport(path, command: "abort", manifest: nil)
        defer { reportLock.release() }
        var (store, report) = try target.open()
        let logger = BatchRunner.makeLogger(options: execution, display: ProgressHolder())
        let transport = CurlHTTPClient()
        defer { transport.shutdown() }
        let started = Report.startingRun("abort")
        let result: UploadAborter.Result
        do {
            result = try await UploadAborter(
                report: report,
                reportPath: path,
                logger: logger,
                resolver: CredentialsResolver(
                    commandLineFile: execution.credentialsFile,
                    profile: execution.profile,
                    manifestSource: report.credentials
                ),
                transport: transport,
                state: state
            ).abortAll()
        } catch {
            let problem =
                (error as? CredentialsError).map { JobError(code: "NoCredentials", message: $0.message) }
                ?? JobError(code: "LockError", message: "\(error)")
            report.recordRefusedRun("abort", exitStatus: .fatal, error: problem)
            try? store.write(report)
            Console.printError("error: \(problem.message)")
            throw ExitCode(ExitStatus.fatal.rawValue)
        }
        report.recordAbort(result, run: started)
        do { try store.write(report) } catch {
            Console.printError("error: cannot write the report: \(error)")
            throw ExitCode(ExitStatus.fatal.rawValue)
        }
        var summary = "aborted \(result.aborted) upload(s), \(result.alreadyGone) already gone, \(result.failed) failed"
        if result.heldByOtherBatches > 0 { summary += ", \(result.heldByOtherBatches) taken over by another batch" }
        if !result.inUse.isEmpty { summary += ", \(result.inUse.count) key(s) in use by another process" }
        print(summary)
        if let busy = result.inUse.first {
            StateLocking.printBusy(busy, then: "its uploads were left alone: run 'ossbatch abort \(path)' again")
        }
        throw ExitCode(result.exitStatus.rawValue)
    }
}
