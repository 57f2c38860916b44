import ArgumentParser

/// Appends a command's examples to its `--help` (ArgumentParser has no place for text after the options).
enum HelpExamples {
    /// The EXAMPLES section for the command a help request names (`ossbatch run --help`, `ossbatch help
    /// run`; the root command when none), or `nil` when `arguments` ask for no help.
    static func section(forHelpArguments arguments: [String]) -> String? {
        let helpFlags: Set = ["-h", "--help", "--help-hidden"]
        let words = arguments.filter { !$0.hasPrefix("-") }
        guard words.first == "help" || arguments.contains(where: helpFlags.contains) else { return nil }
        let named = words.first == "help" ? words.dropFirst().first : words.first
        let command = Subcommands.all.first { $0.configuration.commandName == named } ?? OSSBatchCommand.self
        guard let examples = (command as? any CommandWithExamples.Type)?.examples else { return nil }
        var lines = ["EXAMPLES:"]
        for (n, example) in examples.enumerated() {
            if n > 0 { lines.append("") }
            lines.append("  # \(example.what)")
            lines.append("  \(example.command)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
