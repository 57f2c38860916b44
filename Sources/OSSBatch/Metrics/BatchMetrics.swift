import Foundation

/// What `--metrics-file` says about a batch and its latest `run` or `resume`: written during the run (every
/// progress interval) and at its end. The names and meanings are in docs/operations.md § Monitoring.
package struct BatchMetrics: Sendable, Hashable {
    /// The `batch` label (`Report.batchName`).
    package var batch: String
    /// The `shard` label of a shard's run (`shard-K-of-N`): two shards of a batch run on one machine, each
    /// with its file, wrote the very same series, and node_exporter's textfile collector keeps one of them
    /// (review of ca63f16).
    package var shard: String?
    /// True in the files written while the run goes on.
    package var inProgress: Bool
    package var startedAt: Date
    /// When the run ended; `nil` while it is in progress.
    package var endedAt: Date?
    /// Seconds the run took, or has taken so far.
    package var durationSeconds: Double
    /// The process's exit code; `nil` while the run is in progress.
    package var exitCode: Int32?
    /// The end of the latest run that exited 0, this one or an earlier one (`lastSuccess(…)`).
    package var lastSuccess: Date?
    /// The batch's files and their source bytes by status, as the run left them (so far, while in progress).
    /// Empty when the run stopped before it had a plan (an invalid manifest).
    package var files: [JobStatus: Int] = [:]
    package var bytes: [JobStatus: Int64] = [:]
    /// Request body bytes the run sent, retries included.
    package var bytesSent: Int64 = 0
    /// Requests the run sent again after a failed attempt.
    package var retries = 0
    /// The batch's other reports whose night's dated snapshot stays incomplete, as `status` lists them
    /// (`SnapshotLeftIncomplete`), when the run ended; `nil` when not known (a report outside the state
    /// directory's batches, or while the run goes on).
    package var incompleteSnapshots: Int?

    package init(
        batch: String,
        shard: String? = nil,
        inProgress: Bool,
        startedAt: Date,
        endedAt: Date?,
        durationSeconds: Double,
        exitCode: Int32?,
        lastSuccess: Date?
    ) {
        self.batch = batch
        self.shard = shard
        self.inProgress = inProgress
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.durationSeconds = durationSeconds
        self.exitCode = exitCode
        self.lastSuccess = lastSuccess
    }

    /// The statuses a job can have, in the order the metrics list them.
    package static let statuses: [JobStatus] = [.succeeded, .skipped, .failed, .pending]

    /// Sets `files` and `bytes` to the report's jobs by status.
    package mutating func count(_ report: Report) {
        files = [:]
        bytes = [:]
        for status in Self.statuses {
            files[status] = 0
            bytes[status] = 0
        }
        for job in report.jobs {
            files[job.status, default: 0] += 1
            bytes[job.status, default: 0] += job.spec.size
        }
    }

    /// The latest of the times a batch is known to have succeeded: the previous metrics file's, the report's
    /// last succeeded run's end, and `now` when this run succeeded. A failed run keeps the earlier time. When
    /// this run succeeded, it is `now` that stands for it, not its own record (the report's last run), whose
    /// end is this machine's clock, which `now` may have corrected. A report's time further ahead of `now` than
    /// a previous file's may be (`MetricsFile.isBelievable`) is not believed: a report is input, and a success
    /// dated in 2300 would silence the alert on `time() - last_success` until then.
    package static func lastSuccess(previous: Date?, report: Report?, thisRunSucceeded: Bool, now: Date) -> Date? {
        var times: [Date] = []
        if let previous { times.append(previous) }
        if let report {
            let earlier = thisRunSucceeded ? report.runs.dropLast() : report.runs[...]
            let ends = earlier.lazy.filter { $0.status == .succeeded && $0.exitCode == 0 }
                .compactMap { $0.finishedAt.flatMap(Timestamp.parse) }
            if let end = ends.last(where: { MetricsFile.isBelievable($0, now: now) }) { times.append(end) }
        }
        if thisRunSucceeded { times.append(now) }
        return times.max()
    }
}
