import ArgumentParser

/// `ossbatch report …`: work on reports themselves.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Work on reports: merge the reports of a sharded batch.",
        subcommands: [ReportMergeCommand.self]
    )
}

extension ReportCommand: CommandWithExamples {
    static var examples: [(what: String, command: String)] { ReportMergeCommand.examples }
}
