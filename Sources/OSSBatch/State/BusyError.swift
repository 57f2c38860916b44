/// A lock another process holds: what is locked, and by whom (when it could be told). `run`, `resume` and
/// `abort` exit with `ExitStatus.busy` (4) on it.
package struct BusyError: Error, Sendable, CustomStringConvertible {
    /// "the report /x/r.json", "the batch of /x/m.yaml to bucket b", "the key 'k' of bucket b".
    package var what: String
    package var holder: LockHolder?

    package init(what: String, holder: LockHolder?) {
        self.what = what
        self.holder = holder
    }

    package var description: String {
        let who = holder.map { "\($0)" } ?? "another process (it did not say who)"
        return "\(what) is in use by \(who)"
    }
}
