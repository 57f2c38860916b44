/// Where a value came from: a file, and a 1-based line and column when a YAML node exists; or a
/// command-line option (`--set upload.concurrency=4`) that replaced the manifest's value.
package struct SourceMark: Sendable, Hashable, Codable {
    package var file: String
    package var line: Int?
    package var column: Int?
    /// The option as given (`--set upload.concurrency=4`) when the value came from the command line.
    package var option: String?

    package init(file: String, line: Int? = nil, column: Int? = nil, option: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.option = option
    }
}

/// A manifest value together with the place it was written.
package struct Marked<Value: Sendable & Hashable>: Sendable, Hashable {
    package var value: Value
    package var mark: SourceMark

    package init(_ value: Value, at mark: SourceMark) {
        self.value = value
        self.mark = mark
    }
}
