/// `upload.on_unreadable`: what the plan does with a file it finds by a walk or glob but may not read, or a
/// directory below a source it may not list. A file or directory named directly as a `source` is always an
/// error.
package enum OnUnreadable: String, Sendable, Hashable, CaseIterable {
    /// Every one is an error: nothing is sent (exit 2).
    case fail
    /// Each is left out with a warning and recorded in the report as `skipped` (reason `unreadable` or
    /// `unlistable`); the run exits 1.
    case skip
}
