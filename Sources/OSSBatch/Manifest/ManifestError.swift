/// Every problem found in a manifest (or while expanding it into a plan), reported together.
package struct ManifestError: Error, Sendable, CustomStringConvertible {
    /// Sorted: command-line problems first, then by file, line and column.
    package var diagnostics: [Diagnostic]

    /// How many diagnostics `rendered()` prints before it only counts the rest: enough to fix a manifest
    /// by, few enough that a generated mistake does not print a million lines.
    package static let printedLimit = 20

    package init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted()
    }

    /// One rendered diagnostic per line, every one of them.
    package var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    /// The first `limit` diagnostics, one per line, then `… and N more errors` when there are more.
    package func rendered(limit: Int = ManifestError.printedLimit) -> String {
        var lines = diagnostics.prefix(limit).map(\.description)
        if diagnostics.count > limit {
            let more = diagnostics.count - limit
            let noun = diagnostics.allSatisfy { $0.severity != .error } ? "warning" : "error"
            lines.append("… and \(more) more \(noun)\(more == 1 ? "" : "s") (the first \(limit) are shown)")
        }
        return lines.joined(separator: "\n")
    }
}
