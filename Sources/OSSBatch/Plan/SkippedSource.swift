/// A file the plan found but will not upload (or a directory it could not list), kept so that the report
/// records it as a `skipped` job with its reason instead of it going missing unseen.
package struct SkippedSource: Sendable, Hashable {
    /// The job the file would have been: key, source, identity (a directory's has size 0) and options.
    package var job: UploadJob
    /// `unreadable`, `unlistable` or `unchanged`.
    package var reason: SkipReason
    /// Kept compact: a nightly run of an unchanged tree holds one per file.
    private var storedETag: CompactETag?
    package var crc64: UInt64?

    package init(job: UploadJob, reason: SkipReason, etag: String? = nil, crc64: UInt64? = nil) {
        self.job = job
        self.reason = reason
        self.storedETag = etag.map(CompactETag.init)
        self.crc64 = crc64
    }

    /// Makes this a file the upload index vouches for (`unchanged`), with the object's ETag and CRC-64 as it
    /// has them, its job moved in (`job` is left with what this held): built as a new value and stored, the
    /// job was copied and the new value destroyed.
    mutating func become(unchanged job: inout UploadJob, etag: CompactETag, crc64: UInt64) {
        swap(&self.job, &job)
        reason = .unchanged
        storedETag = etag
        self.crc64 = crc64
    }

    /// For `unchanged`: the object's ETag as the upload index has it.
    package var etag: String? {
        get { storedETag?.text }
        set { storedETag = newValue.map(CompactETag.init) }
    }

    /// The job's line in a new report, and in `plan --json`.
    package var outcome: JobOutcome {
        JobOutcome(objectKey: job.objectKey, recorded: recorded)
    }

    /// The outcome but its key (which is the job's).
    var recorded: JobOutcome.Recorded { .skipped(reason: reason, etag: storedETag, crc64: crc64) }
}
