/// A file the plan found but will not upload (or a directory it could not list), kept so that the report
/// records it as a `skipped` job with its reason instead of it going missing unseen.
package struct SkippedSource: Sendable, Hashable {
    /// The job the file would have been: key, source, identity (a directory's has size 0) and options.
    package var job: UploadJob
    /// `unreadable` or `unlistable`.
    package var reason: SkipReason

    package init(job: UploadJob, reason: SkipReason) {
        self.job = job
        self.reason = reason
    }

    /// The job's line in a new report, and in `plan --json`.
    package var outcome: JobOutcome { JobOutcome(key: job.key, status: .skipped, reason: reason) }
}
