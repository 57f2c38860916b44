import ArgumentParser
import Logging

/// Options shared by `run`, `resume` and `abort`: credentials, progress, logging and output.
struct ExecutionOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "INI file with access_key_id / access_key_secret [/ security_token] (mode 0600).",
            valueName: "file"
        ),
        completion: .file()
    )
    var credentialsFile: String?

    @Option(help: "Profile (section) of the credentials file. Default: the manifest's, else 'default'.")
    var profile: String?

    @Option(help: ArgumentHelp("Seconds between progress lines when stderr is not a terminal.", valueName: "seconds"))
    var progressInterval: Double = 30

    @Flag(help: "No progress and no summary on success; warnings and errors only.")
    var quiet = false

    @Option(
        help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"),
        completion: .list(Logger.Level.allCases.map(\.rawValue))
    )
    var logLevel: String = "info"

    @Option(
        help: ArgumentHelp(
            "text or json: json makes every stderr line one JSON object (logs, progress, errors).",
            valueName: "format"
        ),
        completion: .list(OutputFormat.allCases.map(\.rawValue))
    )
    var logFormat: String = "text"

    @Option(
        help: ArgumentHelp("text or json: the final summary on stdout.", valueName: "format"),
        completion: .list(OutputFormat.allCases.map(\.rawValue))
    )
    var output: String = "text"

    mutating func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard OutputFormat(rawValue: logFormat) != nil else {
            throw ValidationError("--log-format must be text or json")
        }
        guard OutputFormat(rawValue: output) != nil else { throw ValidationError("--output must be text or json") }
        // Bounded, so that turning it into a Duration cannot trap (NaN fails the comparison too).
        guard progressInterval > 0, progressInterval <= 86400 else {
            throw ValidationError("--progress-interval must be more than 0 and at most 86400 seconds (a day)")
        }
    }

    /// stderr as `--log-format` asks.
    func makeConsole() -> Console { Console(format: OutputFormat(rawValue: logFormat) ?? .text) }

    /// The format of the final summary on stdout.
    var outputFormat: OutputFormat { OutputFormat(rawValue: output) ?? .text }

    /// The log level after `--quiet` (warnings and errors only).
    var effectiveLogLevel: Logger.Level {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        return quiet && level < .warning ? .warning : level
    }
}
