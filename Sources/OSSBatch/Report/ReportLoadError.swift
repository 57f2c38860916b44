/// A report that cannot be used for `resume` or `abort`.
public struct ReportLoadError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
