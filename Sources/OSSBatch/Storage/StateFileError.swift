import Foundation

/// Writing or reading ossbatch's own state (report, journal, checkpoints) failed: disk full, read-only
/// directory, permissions. Carries the path and the system's reason.
public struct StateFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var reason: String

    public init(path: String, operation: String, errno code: Int32) {
        self.path = path
        self.operation = operation
        reason = String(cString: strerror(code))
    }

    public init(path: String, operation: String, reason: String) {
        self.path = path
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "cannot \(operation) \(path): \(reason)" }
}
