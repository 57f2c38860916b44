/// A command whose `--help` ends with examples.
protocol CommandWithExamples {
    /// Shell lines, each after a `#` comment saying what it does.
    static var examples: [(what: String, command: String)] { get }
}
