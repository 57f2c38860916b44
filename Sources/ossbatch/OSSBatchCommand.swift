import ArgumentParser
import Foundation
import LocalFiles
import OSSBatch

/// The `ossbatch` root command: only dispatches to subcommands (listed in Subcommands.swift).
@main
struct OSSBatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ossbatch",
        abstract: "Upload large batches of local files to Alibaba Cloud OSS, resumably.",
        discussion: """
            A YAML manifest describes the batch: the target bucket, upload settings and the files. \
            Start with 'ossbatch plan MANIFEST' to see exactly what would be uploaded.

            Exit codes: 0 success, 1 some jobs failed or files could not be read, 2 invalid manifest or usage, \
            3 fatal error (or output that stdout could not take), 4 busy, 129/130/143 stopped by \
            SIGHUP/SIGINT/SIGTERM (resume continues).
            """,
        version: OSSBatchVersion.banner,
        subcommands: Subcommands.all
    )

    /// Like the default entry point, but `--help` ends with examples, and usage errors exit with 2
    /// (`ExitStatus.invalidInput`), as documented, instead of ArgumentParser's 64; output that stdout could not
    /// take makes the exit status 3 (`Console.exitStatus(afterOutput:)`).
    static func main() async {
        // Before anything opens a file: a closed stdout or stderr must not become the report.
        StandardStreams.prepare()
        // A login's soft limit (often 1,024) failed the jobs of a run at upload.concurrency 512 with EMFILE.
        OpenFileLimit.raiseToHardLimit()
        // The process holds the AccessKey secret and the STS token: a crash must not write them to a core file.
        CoreDumps.disable()
        // Limits below what any command needs are refused here, clearly, before they make it hang or crash.
        if let problem = ProcessLimits.problem() {
            commandLineConsole().error("process_limits", problem)
            Foundation.exit(ExitStatus.fatal.rawValue)
        }
        if FileManager.default.currentDirectoryPath.isEmpty {
            commandLineConsole().warning(
                "working_directory_gone",
                "the current directory no longer exists (deleted?): relative paths name nothing there; give absolute "
                    + "paths, or cd to a directory that exists"
            )
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exitIfOutputLost(status: ExitStatus.success.rawValue)
        } catch {
            if let code = error as? ExitCode { exitIfOutputLost(status: code.rawValue) }
            let message = fullMessage(for: error)
            if exitCode(for: error) == .success, message.hasPrefix("OVERVIEW:"),
                let examples = HelpExamples.section(forHelpArguments: Array(CommandLine.arguments.dropFirst()))
            {
                // The help text ends with blank lines of its own; one separates the examples.
                var help = message
                while help.hasSuffix("\n") { help.removeLast() }
                Console.write(Data((help + "\n\n" + examples).utf8))
                exitIfOutputLost(status: ExitStatus.success.rawValue)
                Foundation.exit(ExitStatus.success.rawValue)
            }
            if exitCode(for: error) == .success {
                // Help, `--version`, a completion script: through the writer that notices a full disk or a closed
                // pipe (exit 3 then, as for every command's output; ArgumentParser's `print` said 0 over a
                // truncated completion file: review of 572eea5).
                if !message.isEmpty { Console.write(Data((message + "\n").utf8)) }
                exitIfOutputLost(status: ExitStatus.success.rawValue)
                Foundation.exit(ExitStatus.success.rawValue)
            }
            if exitCode(for: error) == .validationFailure {
                // Written as the command line asks for its logs, even though it could not be parsed.
                let console = commandLineConsole()
                // ArgumentParser's message is several lines (the error, then the usage).
                let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                console.emit(
                    LogRecord(
                        level: .error,
                        event: "usage_error",
                        message: message,
                        text: lines[0],
                        followingLines: Array(lines.dropFirst()),
                        timestamped: false
                    )
                )
                Foundation.exit(ExitStatus.invalidInput.rawValue)
            }
            exit(withError: error)
        }
    }

    /// Exits with `Console.exitStatus(afterOutput:)` when stdout could not take the command's output;
    /// returns when it could.
    private static func exitIfOutputLost(status: Int32) {
        guard Console.standardOutput.failure != nil else { return }
        Foundation.exit(commandLineConsole().exitStatus(afterOutput: status))
    }

    /// A console writing logs as the command line asks (`--log-format`), for what is said before or without a
    /// command: parsed or not, its arguments are read for that alone.
    private static func commandLineConsole() -> Console {
        Console(format: OutputFormat.logFormat(requestedBy: Array(CommandLine.arguments.dropFirst())))
    }
}

extension OSSBatchCommand: CommandWithExamples {
    static let examples = [
        (
            what: "See what a manifest would upload (sends nothing, needs no credentials):",
            command: "ossbatch plan /etc/ossbatch/nightly.yaml"
        ),
        (
            what: "Upload it, keeping the report where the next night's resume finds it:",
            command: "ossbatch run /etc/ossbatch/nightly.yaml --report /var/lib/ossbatch/nightly/report.json"
        ),
        (
            what: "Finish a batch after a failure, a reboot or kill -9:",
            command: "ossbatch resume /var/lib/ossbatch/nightly/report.json"
        ),
        (
            what: "Shell completion for bash (also zsh, fish):",
            command: "ossbatch --generate-completion-script bash > /etc/bash_completion.d/ossbatch"
        ),
    ]
}
