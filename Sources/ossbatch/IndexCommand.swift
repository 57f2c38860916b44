import ArgumentParser

/// `ossbatch index …`: work on the upload index (`upload.unchanged`).
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Work on the upload index: prune the entries old nights left.",
        subcommands: [IndexPruneCommand.self]
    )
}

extension IndexCommand: CommandWithExamples {
    static var examples: [(what: String, command: String)] { IndexPruneCommand.examples }
}
