import ArgumentParser
import CurlHTTP
import Logging
import OSSBatch
import OSSKit

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

        let transport = CurlHTTPClient(configuration: CurlHTTPConfiguration(batch: report))
        let credentials: any CredentialsProvider
        do {
            credentials = try await CredentialsResolver(
                commandLineFile: options.credentialsFile,
                profile: options.profile,
                manifestSource: report.credentials
            ).provider(transport: transport) { event in
                // Renewals of temporary credentials: when and from where, never the values.
                switch event {
                case .refreshFailed: logger.warning("\(event)")
                case .obtained, .refreshed: logger.info("\(event)")
                }
            }
        } catch {
            transport.shutdown()
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

        let session = BatchSession(
            report: report,
            store: store,
            credentials: credentials,
            transport: transport,
            logger: logger
        )
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
