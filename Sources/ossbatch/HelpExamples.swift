import ArgumentParser

/// Appends a command's examples to its `--help` (ArgumentParser has no place for text after the options).
enum HelpExamples {
    /// The EXAMPLES section for the command a help request names (`ossbatch run --help`, `ossbatch help
    /// run`, `ossbatch index prune --help`; the root command when none), or `nil` when `arguments` ask for no
    /// help or the command has no examples.
    static func section(forHelpArguments arguments: [String]) -> String? {
        let helpFlags: Set = ["-h", "--help", "--help-hidden"]
        let words = arguments.filter { !$0.hasPrefix("-") }
        guard words.first == "help" || arguments.contains(where: helpFlags.contains) else { return nil }
        let command = named(by: words.first == "help" ? Array(words.dropFirst()) : words)
        guard let examples = (command as? any CommandWithExamples.Type)?.examples else { return nil }
        var lines = ["EXAMPLES:"]
        for (n, example) in examples.enumerated() {
            if n > 0 { lines.append("") }
            lines.append("  # \(example.what)")
            lines.append("  \(example.command)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The command `words` name from the root down (`index prune`): the deepest subcommand they reach, the
    /// root command when the first names none. Words past it (a manifest, an option's value) are ignored.
    private static func named(by words: [String]) -> any ParsableCommand.Type {
        var command: any ParsableCommand.Type = OSSBatchCommand.self
        for word in words {
            guard let sub = command.configuration.subcommands.first(where: { $0.configuration.commandName == word })
            else { break }
            command = sub
        }
        return command
    }
}
