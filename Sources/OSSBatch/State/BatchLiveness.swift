import LocalFiles

/// Whether a batch is running now, was killed while running, or has ended — what `status`-like readers need
/// beyond the report's `status` (which says `running` both for a live batch and for one killed with
/// `kill -9`).
///
/// Running means a process holds the report's lock (`ReportLock`): the kernel drops the lock when its holder
/// dies, so a reused pid can never pass for a live batch. Otherwise, a report that says `running` (or whose
/// last run has no end) belonged to a process that was killed: crashed.
package enum BatchLiveness: Sendable, Hashable {
    /// A process works on the batch now.
    case running(LockHolder)
    /// The last run never ended: its process was killed (`kill -9`, a reboot). `resume` or `abort` it. The
    /// run says which process it was (pid, host, start).
    case crashed(RunRecord?)
    /// The last run ended with this status (`succeeded`, `failed`, `interrupted`, `fatal`, `aborted`).
    case ended(RunStatus)

    /// The liveness of the batch whose report (`status`, `runs`) is at `path`.
    package static func of(status: RunStatus, runs: [RunRecord], reportAt path: String) -> BatchLiveness {
        if let holder = ReportLock.holder(of: path) { return .running(holder) }
        if let unended = Report.unendedRun(status: status, runs: runs) { return .crashed(unended) }
        if status == .running { return .crashed(runs.last) }
        return .ended(status)
    }

    /// The liveness of `report`, read from `path`.
    package static func of(_ report: Report, at path: String) -> BatchLiveness {
        of(status: report.status, runs: report.runs, reportAt: path)
    }
}
