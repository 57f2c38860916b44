import ArgumentParser
import CurlHTTP
import Logging
import OSSBatch
import OSSProtocol

/// Runs a batch from a report to its end, the part `run` and `resume` share: credentials, the engine,
/// signals, progress, the summary and the exit code.
enum BatchRunner {
    static func execute(
        report: Report,
        store: ReportStore,
        command: String,
        options: ExecutionOptions,
        state: StateDirectory
    ) async -> ExitStatus {
        let display = ProgressHolder()
        let logger = makeLogger(options: options, display: display)

        let credentials: Credentials
        let keyLocks: KeyLocks
        do {
            credentials = try CredentialsResolver(
                commandLineFile: options.credentialsFile,
                profile: options.profile,
                manifestSource: report.credentials
            ).resolve()
            keyLocks = try KeyLocks.forBucket(report.target.bucket, in: state)
        } catch {
            let problem =
                (error as? CredentialsError).map { JobError(code: "NoCredentials", message: $0.message) }
                ?? JobError(code: "LockError", message: "\(error)")
            var failed = report
            failed.status = .fatal
            failed.fatalError = problem
            failed.recordRefusedRun(command, exitStatus: .fatal, error: problem)
            try? store.write(failed)
            Console.printError("error: \(problem.message)")
            Console.printError(
                "report: \(store.path) (nothing was sent; fix this and run: ossbatch resume \(store.path))"
            )
            return .fatal
        }

        let transport = CurlHTTPClient(configuration: CurlHTTPConfiguration(batch: report))
        let session = BatchSession(
            report: report,
            store: store,
            credentials: credentials,
            transport: transport,
            keyLocks: keyLocks,
            state: state,
            logger: logger
        )
        let engine = session.engine
        let watcher = SignalWatcher { signal, repeated in
            logger.notice(repeated ? "\(signal.rawValue) again: stopping now" : "\(signal.rawValue): stopping")
            engine.stop(signal, grace: repeated ? .zero : Engine.stopGrace)
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
        transport.shutdown()

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
