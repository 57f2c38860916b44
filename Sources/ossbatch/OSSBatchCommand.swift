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

            Exit codes: 0 success, 1 some jobs failed or files could not be read, 2 invalid manifest or usage, \
            3 fatal error, 130 interrupted.
            """,
        version: OSSBatchVersion.banner,
        subcommands: Subcommands.all
    )

    /// Like the default entry point, but usage errors exit with 2 (`ExitStatus.invalidInput`), as documented,
    /// instead of ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                Console.printError(fullMessage(for: error))
                Foundation.exit(ExitStatus.invalidInput.rawValue)
            }
            exit(withError: error)
        }
    }
}
