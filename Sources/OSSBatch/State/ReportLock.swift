/// The lock of a report: `REPORT.lock` beside it (not the report itself, which every write replaces by a
/// rename — a lock on it would stay on the old inode). `run`, `resume` and `abort` hold it for as long as
/// they work on the report; status readers ask `holder(of:)` without taking it.
package enum ReportLock {
    /// The lock file of the report at `report`.
    package static func path(of report: String) -> String { report + ".lock" }

    /// Takes the report's lock for this process running `command`, or throws `.busy` naming its holder.
    package static func acquire(report: String, command: String, manifest: String?) throws(LockError) -> StateLock {
        try StateLock.acquire(
            path(of: report),
            holder: .current(command: command, report: report, manifest: manifest),
            what: "the report \(report)"
        )
    }

    /// The process working on the report at `report` now, `nil` when none is.
    package static func holder(of report: String) -> LockHolder? { StateLock.holder(at: path(of: report)) }
}
