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

extension ReportTotals {
    /// The totals of two parts of a report, or of two reports. Every sum saturates: the totals of reports
    /// `status` reads are their headers' as written, which an edit can set to anything (two shards' `jobs`
    /// near Int.max trapped `status`; review of b7bf3fd). `unchanged`, `copied` and `open_uploads` stay absent
    /// only when both lack them.
    package func adding(_ other: ReportTotals) -> ReportTotals {
        func sum(_ a: Int?, _ b: Int?) -> Int? { a == nil && b == nil ? nil : (a ?? 0).saturatingAdd(b ?? 0) }
        var t = self
        t.jobs = t.jobs.saturatingAdd(other.jobs)
        t.succeeded = t.succeeded.saturatingAdd(other.succeeded)
        t.skipped = t.skipped.saturatingAdd(other.skipped)
        t.failed = t.failed.saturatingAdd(other.failed)
        t.pending = t.pending.saturatingAdd(other.pending)
        t.bytes = t.bytes.saturatingAdd(other.bytes)
        t.bytesDone = t.bytesDone.saturatingAdd(other.bytesDone)
        t.openUploads = sum(openUploads, other.openUploads)
        t.unchanged = sum(unchanged, other.unchanged)
        t.copied = sum(copied, other.copied)
        return t
    }
}
