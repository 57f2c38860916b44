import ArgumentParser
import Foundation
import Logging
import OSSBatch

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

    @Option(
        help:
            "Profile of the credentials file (default: the manifest's, else 'default'), or of the aliyun CLI's config."
    )
    var profile: String?

    @Option(help: ArgumentHelp("Seconds between progress lines when stderr is not a terminal.", valueName: "seconds"))
    var progressInterval: Double = 30

    @Option(
        help: ArgumentHelp(
            "Seconds in-flight requests may finish after SIGINT/SIGTERM before they are cancelled (0 to 3600).",
            valueName: "seconds"
        )
    )
    var stopGrace: Double = Engine.stopGrace.seconds

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

    /// `ossbatch resume REPORT` with the credentials options this command was given, as the advice a stopped
    /// batch prints: a resume without them looks the credentials up elsewhere (on an ECS host, the instance's
    /// role: another identity; audit of 72b75db).
    func resumeCommand(_ report: String) -> String {
        var words = ["ossbatch", "resume", ShellWord.quoted(report)]
        // Absolute: the advice is followed from wherever the operator is (review of 1e1b6d5).
        if let credentialsFile {
            let absolute = PathResolver.absolute(credentialsFile, relativeTo: FileManager.default.currentDirectoryPath)
            // systemd's copy (`LoadCredential=`) is gone once the unit stops: pasted, that advice failed exit 3
            // and turned the report fatal (review of c56b4e6). The unit's next start resumes it (its
            // `ExecStartPre`).
            if let unit = SystemdService.holding(
                credentials: absolute,
                directory: ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"],
                cgroup: try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)
            ) {
                return "systemctl start \(ShellWord.quoted(unit)) (its ExecStartPre resumes this report), or "
                    + (words + ["--credentials-file", "<the file its LoadCredential= names>"]).joined(separator: " ")
            }
            words += ["--credentials-file", ShellWord.quoted(absolute)]
        }
        if let profile { words += ["--profile", ShellWord.quoted(profile)] }
        return words.joined(separator: " ")
    }

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
        guard stopGrace >= 0, stopGrace <= 3600 else {
            throw ValidationError("--stop-grace must be from 0 to 3600 seconds")
        }
    }

    /// How long a first SIGINT/SIGTERM lets in-flight requests run.
    var stopGraceDuration: Duration { .milliseconds(Int64(stopGrace * 1000)) }

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
