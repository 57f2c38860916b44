import Foundation

/// Writing or reading ossbatch's own state (report, journal, checkpoints) failed: disk full, read-only
/// directory, permissions. Carries the path and the system's reason.
package struct StateFileError: Error, Sendable, CustomStringConvertible {
    package var path: String
    package var operation: String
    package var reason: String
    /// Another process holds the file's lock (an upload index in use): not damage, and not this process's
    /// fault — a command refused for it exits 4 (busy), not 3.
    package var isBusy = false

    package init(path: String, operation: String, errno code: Int32) {
        self.path = path
        self.operation = operation
        reason = String(cString: strerror(code))
    }

    package init(path: String, operation: String, reason: String) {
        self.path = path
        self.operation = operation
        self.reason = reason
    }

    package var description: String { "cannot \(operation) \(path): \(reason)" }
}
