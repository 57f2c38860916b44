/// A report that cannot be used for `resume` or `abort`.
package struct ReportLoadError: Error, Sendable, CustomStringConvertible {
    package var path: String
    package var reason: String
    package var description: String { "\(path): \(reason)" }
}
