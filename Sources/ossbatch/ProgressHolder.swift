import Foundation

/// The progress display once it exists, for the log handler to clear its line before writing.
final class ProgressHolder: @unchecked Sendable {
    // Set once before the run starts, read from log calls afterwards.
    private let lock = NSLock()
    private var display: ProgressDisplay?

    func set(_ d: ProgressDisplay) { lock.withLock { display = d } }
    func clear() { lock.withLock { display }?.clearLine() }
}
