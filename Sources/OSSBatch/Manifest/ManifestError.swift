/// Every problem found in a manifest (or while expanding it into a plan), reported together.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    /// Sorted by file, line and column.
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted()
    }

    /// One rendered diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
