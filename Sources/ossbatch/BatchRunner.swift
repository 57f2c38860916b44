import ArgumentParser
import Foundation
import Logging
import OSSBatch
import OSSKit

/// Options shared by `run` and `resume`: credentials, progress and logging.
struct ExecutionOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "INI file with access_key_id / access_key_secret [/ security_token] (mode 0600).",
            valueName: "file"
        )
    )
    var credentialsFile: String?

    @Option(help: "Profile (section) of the credentials file. Default: the manifest's, else 'default'.")
    var profile: String?

    @Option(help: ArgumentHelp("Seconds between progress lines when stderr is not a terminal.", valueName: "seconds"))
    var progressInterval: Double = 30

    @Flag(help: "No progress and no summary on success; warnings and errors only.")
    var quiet = false

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String = "info"

    @Option(help: ArgumentHelp("text or json.", valueName: "format"))
    var logFormat: String = "text"

    mutating func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard LogFormat(rawValue: logFormat) != nil else { throw ValidationError("--log-format must be text or json") }
        // Bounded, so that turning it into a Duration cannot trap (NaN fails the comparison too).
        guard progressInterval > 0, progressInterval <= 86400 else {
            throw ValidationError("--progress-interval must be more than 0 and at most 86400 seconds (a day)")
        }
    }
}

/// Runs a batch from a report to its end, the part `run` and `resume` share: credentials, the engine,
/// signals, progress, the summary and the exit code.
enum BatchRunner {
    static func execute(
        report: Report,
        store: ReportStore,
        command: String,
        options: ExecutionOptions
    ) async -> ExitStatus {
        let display = ProgressHolder()
        let logger = makeLogger(options: options, display: display)

        let credentials: Credentials
        do {
            credentials = try CredentialsResolver(
                commandLineFile: options.credentialsFile,
                profile: options.profile,
                manifestSource: report.credentials
            ).resolve()
        } catch {
            var failed = report
            failed.status = .fatal
            failed.fatalError = JobError(code: "NoCredentials", message: error.message)
            try? store.write(failed)
            Console.printError("error: \(error.message)")
            Console.printError(
                "report: \(store.path) (nothing was sent; fix the credentials and run: ossbatch resume \(store.path))"
            )
            return .fatal
        }

        let session = BatchSession(report: report, store: store, credentials: credentials, logger: logger)
        let engine = session.engine
        let watcher = SignalWatcher { name, repeated in
            if repeated {
                logger.notice("\(name) again: stopping now")
                engine.stop(grace: .zero)
            } else {
                logger.notice("\(name): stopping")
                engine.stop()
            }
        }
        let progress = ProgressDisplay(progress: engine.progress, interval: .seconds(options.progressInterval))
        if !options.quiet {
            display.set(progress)
            progress.start()
        }
        let started = ContinuousClock.now
        let result = await engine.run(command: command)
        progress.stop()
        watcher.cancel()
        session.http.shutdown()

        let elapsed = ContinuousClock.now - started
        let summary = RunSummary(
            report: result.report,
            reportPath: store.path,
            elapsed: elapsed,
            bytesSent: engine.progress.snapshot.bytesSent
        )
        if !options.quiet || result.exitStatus != .success {
            print(summary.text(), terminator: "")
        }
        return result.exitStatus
    }

    static func makeLogger(options: ExecutionOptions, display: ProgressHolder) -> Logger {
        let level = Logger.Level(rawValue: options.logLevel) ?? .info
        let format = LogFormat(rawValue: options.logFormat) ?? .text
        let effective: Logger.Level = options.quiet && level < .warning ? .warning : level
        return Logger(label: "ossbatch") { label in
            StderrLogHandler(logLevel: effective, format: format, label: label, beforeWrite: { display.clear() })
        }
    }
}

/// The progress display once it exists, for the log handler to clear its line before writing.
final class ProgressHolder: @unchecked Sendable {
    // Set once before the run starts, read from log calls afterwards.
    private let lock = NSLock()
    private var display: ProgressDisplay?

    func set(_ d: ProgressDisplay) { lock.withLock { display = d } }
    func clear() { lock.withLock { display }?.clearLine() }
}
