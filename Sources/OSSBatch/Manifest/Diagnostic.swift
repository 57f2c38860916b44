/// One problem in a manifest, rendered the way compilers do: `FILE:LINE:COLUMN: error: MESSAGE`; or one
/// problem with a command-line flag, rendered `error: MESSAGE` (the message names the flag). Warnings
/// (`severity` `.warning`) and notes are rendered the same way with `warning:` and `note:`.
package struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    package enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
        /// A hint `plan` prints and a quiet `run` does not (an `exclude` that matched nothing: on a machine
        /// without the excluded files, a defensive pattern must not make cron mail every night).
        case note
    }

    package var severity = Severity.error
    package var file: String
    /// 1-based; `nil` when the problem has no node (an unreadable or oversized manifest, a flag).
    package var line: Int?
    package var column: Int?
    package var message: String
    /// The command-line flag at fault (`endpoint` for `--endpoint`), or `nil` for a problem in the manifest.
    package var flag: String?

    package init(file: String, line: Int?, column: Int?, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// A problem at `mark` (an error unless `severity` says otherwise); a value given with `--set` makes it a
    /// problem of that flag, naming it.
    package init(_ mark: SourceMark, _ message: String, severity: Severity = .error) {
        if let option = mark.option {
            self.init(flag: "set", "\(option): \(message)")
        } else {
            self.init(file: mark.file, line: mark.line, column: mark.column, message: message)
        }
        self.severity = severity
    }

    /// A warning at `mark`: printed, but planning goes on.
    package static func warning(_ mark: SourceMark, _ message: String) -> Diagnostic {
        Diagnostic(mark, message, severity: .warning)
    }

    /// A problem with the value of `--flag`, or one that adding `--flag` fixes.
    package init(flag: String, _ message: String) {
        self.init(file: "", line: nil, column: nil, message: message)
        self.flag = flag
    }

    package var description: String {
        if flag != nil { return "\(severity.rawValue): \(message)" }
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): \(severity.rawValue): \(message)"
    }
}

extension Diagnostic: Comparable {
    /// Command-line problems first, then file order and position: the order a reader meets the problems in.
    package static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        (a.flag == nil ? 1 : 0, a.flag ?? "", a.file, a.line ?? 0, a.column ?? 0, a.message)
            < (b.flag == nil ? 1 : 0, b.flag ?? "", b.file, b.line ?? 0, b.column ?? 0, b.message)
    }
}
