/// One problem in a manifest, rendered the way compilers do: `FILE:LINE:COLUMN: error: MESSAGE` (or
/// `warning:` for something the plan went on past); or one problem with a command-line flag, rendered
/// `error: MESSAGE` (the message names the flag).
package struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    package enum Severity: String, Sendable, Hashable {
        case error, warning
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

    package init(_ mark: SourceMark, _ message: String, severity: Severity = .error) {
        self.init(file: mark.file, line: mark.line, column: mark.column, message: message)
        self.severity = severity
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
