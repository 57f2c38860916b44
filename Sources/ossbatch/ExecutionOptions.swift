import ArgumentParser
import Logging

/// Options shared by `run` and `resume`: credentials, progress and logging.
struct ExecutionOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "INI file with access_key_id / access_key_secret [/ security_token] (mode 0600).",
            valueName: "file"
        )
    )
    var credentialsFile: String?

    @Option(
        help:
            "Profile of the credentials file (default: the manifest's, else 'default'), or of the aliyun CLI's config."
    )
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
