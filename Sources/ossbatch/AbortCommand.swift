import ArgumentParser
import CurlHTTP
import Foundation
import Logging
import OSSBatch
import Synchronization

/// `ossbatch abort REPORT`: give a batch up and leave no multipart uploads behind.
struct AbortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abort",
        abstract: "Give a batch up: abort the open multipart uploads it left, delete its checkpoints, mark it aborted.",
        discussion:
            "For a batch given up on: OSS keeps (and bills) the parts of an unfinished upload until it is aborted. Uploads of keys another ossbatch is uploading right now, and uploads another batch took over, are left alone. 'ossbatch resume' refuses an aborted report without --force."
    )

    @OptionGroup var arguments: ReportArguments
    @OptionGroup var execution: ExecutionOptions

    func run() async throws {
        let console = execution.makeConsole()
        let state = StateDirectory.resolve()
        let target = arguments.target
        let path = target.path
        let reportLock = try target.lock(command: "abort", console: console)
        defer { reportLock.release() }
        // A signal stops the abort between keys, recorded in the report (killed by the default action, it left
        // no trace); a second one cancels what is in flight (the key in hand, a credential lookup that hangs),
        // and the stop is recorded all the same. It called `exit` from the signal's thread: no record, the
        // report's lock file left, and the process's exit handlers racing libcurl (review of 572eea5).
        let logger = console.logger(level: execution.effectiveLogLevel)
        let stop = Mutex<StopSignal?>(nil)
        let work = Mutex<Task<UploadAborter.Result, any Error>?>(nil)
        let watcher = SignalWatcher { signal, repeated in
            if repeated {
                work.withLock { $0 }?.cancel()
                return
            }
            stop.withLock { $0 = $0 ?? signal }
            logger.notice(
                "\(signal.rawValue): stopping after the key in hand",
                metadata: .event("signal", ["signal": .string(signal.rawValue), "repeated": .stringConvertible(false)])
            )
        }
        defer { watcher.cancel() }
        var (store, report) = try target.open(console: console)
        let transport = CurlHTTPClient()
        defer { transport.shutdown() }
        let started = Report.startingRun("abort")
        let result: UploadAborter.Result
        do {
            let aborter = UploadAborter(
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
            )
            let task = Task { try await aborter.abortAll { stop.withLock { $0 } } }
            work.withLock { $0 = task }
            result = try await task.value
        } catch  where work.withLock({ $0?.isCancelled }) == true {
            // Cancelled by a second signal before the keys were gone through (the credentials looked up, say).
            let signal = stop.withLock { $0 } ?? .sigint
            report.recordRefusedRun(
                "abort",
                exitStatus: signal.exitStatus,
                error: JobError(
                    code: "Interrupted",
                    message: "stopped by \(signal.rawValue) before any upload was aborted"
                ),
                status: .interrupted
            )
            try? store.write(report)
            throw ExitCode(signal.exitStatus.rawValue)
        } catch {
            let credentials = error as? CredentialsError
            let problem =
                credentials.map { JobError(code: "NoCredentials", message: $0.message) }
                ?? JobError(code: "LockError", message: "\(error)")
            report.recordRefusedRun("abort", exitStatus: .fatal, error: problem)
            try? store.write(report)
            console.error(
                credentials == nil ? "lock_error" : "no_credentials",
                problem.message,
                ["code": .string(problem.code)]
            )
            throw ExitCode(ExitStatus.fatal.rawValue)
        }
        report.recordAbort(result, run: started)
        do { try store.write(report) } catch {
            console.error("report_write_failed", "cannot write the report: \(error)", ["path": .string(path)])
            throw ExitCode(ExitStatus.fatal.rawValue)
        }
        let exit = result.exitStatus
        switch execution.outputFormat {
        case .text:
            var summary =
                "aborted \(result.aborted) upload(s), \(result.alreadyGone) already gone, \(result.failed) failed"
                + (result.failedListings > 0 ? ", \(result.failedListings) key(s) not listed" : "")
            if result.heldByOtherBatches > 0 {
                summary += ", \(result.heldByOtherBatches) taken over by another batch"
            }
            if !result.inUse.isEmpty { summary += ", \(result.inUse.count) key(s) in use by another process" }
            if let signal = result.stoppedBy {
                summary += "; stopped by \(signal.rawValue) before the end: run 'ossbatch abort \(path)' again"
            }
            if result.unreachable != nil {
                summary +=
                    "; stopped: the endpoint cannot be reached: run 'ossbatch abort \(path)' again once it answers"
            }
            Console.print(summary + "\n")
        case .json:
            var summary: [String: LogValue] = [
                "aborted": .number(result.aborted), "already_gone": .number(result.alreadyGone),
                "failed": .number(result.failed), "listings_failed": .number(result.failedListings),
                "taken_over": .number(result.heldByOtherBatches),
                "in_use": .number(result.inUse.count), "exit_code": .number(exit.rawValue),
                "report": .string(target.report),
            ]
            if let signal = result.stoppedBy { summary["stopped_by"] = .string(signal.rawValue) }
            if let unreachable = result.unreachable { summary["error"] = .string(unreachable.description) }
            // A dictionary of `LogValue`s always encodes.
            Console.write(Data(((try? StreamingJSONEncoder().encode(summary)) ?? []) + [UInt8(ascii: "\n")]))
        }
        if let busy = result.inUse.first {
            StateLocking.printBusy(
                busy,
                then: "its uploads were left alone: run 'ossbatch abort \(path)' again",
                console: console
            )
        }
        throw ExitCode(exit.rawValue)
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
