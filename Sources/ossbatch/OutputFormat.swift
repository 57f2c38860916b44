/// How ossbatch writes for a reader: `text` for people, `json` for programs (`--log-format`, `--output`).
enum OutputFormat: String, CaseIterable, Sendable {
    case text
    case json

    /// The `--log-format` that `arguments` ask for, read before they are parsed, so that even a usage error
    /// is written as asked. Text unless they say `--log-format json` (or `--log-format=json`).
    static func logFormat(requestedBy arguments: [String]) -> OutputFormat {
        var format = OutputFormat.text
        for (i, argument) in arguments.enumerated() {
            if argument == "--" { break }
            if argument == "--log-format", i + 1 < arguments.count {
                format = OutputFormat(rawValue: arguments[i + 1]) ?? .text
            } else if argument.hasPrefix("--log-format=") {
                format = OutputFormat(rawValue: String(argument.dropFirst("--log-format=".count))) ?? .text
            }
        }
        return format
    }
}
