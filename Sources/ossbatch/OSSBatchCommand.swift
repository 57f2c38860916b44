import ArgumentParser
import Foundation
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

            Exit codes: 0 success, 1 some jobs failed, 2 invalid manifest or usage, \
            3 fatal error, 130 interrupted.
            """,
        version: OSSBatchVersion.banner,
        subcommands: Subcommands.all
    )

    /// Like the default entry point, but `--help` ends with examples, and usage errors exit with 2
    /// (`ExitStatus.invalidInput`), as documented, instead of ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let message = fullMessage(for: error)
            if exitCode(for: error) == .success, message.hasPrefix("OVERVIEW:"),
                let examples = HelpExamples.section(forHelpArguments: Array(CommandLine.arguments.dropFirst()))
            {
                // The help text ends with blank lines of its own; one separates the examples.
                var help = message
                while help.hasSuffix("\n") { help.removeLast() }
                print(help + "\n\n" + examples, terminator: "")
                Foundation.exit(ExitStatus.success.rawValue)
            }
            if exitCode(for: error) == .validationFailure {
                Console.printError(fullMessage(for: error))
                Foundation.exit(ExitStatus.invalidInput.rawValue)
            }
            exit(withError: error)
        }
    }
}
