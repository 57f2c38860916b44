/// A file the plan found but will not upload (or a directory it could not list), kept so that the report
/// records it as a `skipped` job with its reason instead of it going missing unseen.
package struct SkippedSource: Sendable, Hashable {
    /// The job the file would have been: key, source, identity (a directory's has size 0) and options.
    package var job: UploadJob
    /// `unreadable`, `unlistable` or `unchanged`.
    package var reason: SkipReason
    /// For `unchanged`: the object's ETag and CRC-64 as the upload index has them.
    package var etag: String?
    package var crc64: UInt64?

    package init(job: UploadJob, reason: SkipReason, etag: String? = nil, crc64: UInt64? = nil) {
        self.job = job
        self.reason = reason
        self.etag = etag
        self.crc64 = crc64
    }

    /// The job's line in a new report, and in `plan --json`.
    package var outcome: JobOutcome {
        JobOutcome(key: job.key, status: .skipped, reason: reason, etag: etag, crc64: crc64.map { String($0) })
    }
}
