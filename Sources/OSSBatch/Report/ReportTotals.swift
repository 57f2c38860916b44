/// Counts over the report's jobs.
package struct ReportTotals: Sendable, Codable, Hashable {
    package var jobs = 0
    package var succeeded = 0
    package var skipped = 0
    package var failed = 0
    package var pending = 0
    package var bytes: Int64 = 0
    /// Bytes of jobs that succeeded or were skipped.
    package var bytesDone: Int64 = 0
    /// Unfinished multipart jobs whose upload is open on OSS (a checkpoint holds it): billed until the batch
    /// is resumed or aborted. Absent in files written before it existed.
    package var openUploads: Int?
    /// Of `skipped`: jobs the upload index vouched for (reason `unchanged`); absent when none.
    package var unchanged: Int?
    /// Of `succeeded`: objects made by a server-side copy (`copied_from`); absent when none.
    package var copied: Int?

    package init() {}

    private enum CodingKeys: String, CodingKey {
        case jobs, succeeded, skipped, failed, pending, bytes
        case bytesDone = "bytes_done"
        case openUploads = "open_uploads"
        case unchanged, copied
    }
}
