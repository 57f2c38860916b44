/// One job in the report: what was planned and what happened. The plan keeps the files it skips as lines
/// of this kind too (`Plan.skipped`): nothing happens to them in a run, and a night of 200,000 unchanged
/// files, all of them skipped, hands its lines to the report as they are instead of moving every one into
/// a list of another type (45 ms on one core, and both lists held at once, 2026-12-04).
package struct ReportJob: Sendable, Hashable {
    package var spec: UploadJob
    /// The outcome but its key, which is the job's: a report of 1,000,000 jobs holds 32 MB less.
    fileprivate(set) var recorded: JobOutcome.Recorded

    /// `outcome` is about `spec`'s key (a caller that reads outcomes from elsewhere checks that first).
    package init(spec: UploadJob, outcome: JobOutcome) {
        self.spec = spec
        recorded = outcome.recorded
    }

    /// A job not yet run, without making its outcome (and so copying its key).
    init(pending spec: UploadJob) {
        self.spec = spec
        recorded = .pending
    }

    /// A file the plan found but will not upload (or a directory it could not list): `skipped` with its
    /// reason (`unreadable`, `unlistable` or `unchanged`) and, for `unchanged`, the object's ETag and
    /// CRC-64 as the upload index has them. `spec` is the job the file would have been (a directory's has
    /// size 0).
    package init(skipped spec: UploadJob, reason: SkipReason, etag: String? = nil, crc64: UInt64? = nil) {
        self.spec = spec
        recorded = .skipped(reason: reason, etag: etag.map(CompactETag.init), crc64: crc64)
    }

    /// A file the upload index vouches for (`unchanged`), with the object's ETag and CRC-64 as it has them,
    /// its job moved in (`UnchangedFilter` takes the jobs out of the plan's chunks this way, never copying one).
    init(unchanged job: consuming UploadJob, etag: CompactETag, crc64: UInt64) {
        spec = job
        recorded = .skipped(reason: .unchanged, etag: etag, crc64: crc64)
    }

    /// Why the plan skipped this file (`nil` for a job it did not skip). A loop over many lines in an array
    /// reads `recorded.reason` instead: a computed property's getter was called on a copy of each line.
    package var skipReason: SkipReason? { recorded.status == .skipped ? recorded.reason : nil }

    /// The job's outcome, with the job's key.
    package var outcome: JobOutcome {
        get { JobOutcome(objectKey: spec.objectKey, recorded: recorded) }
        set { recorded = newValue.recorded }
    }
}
