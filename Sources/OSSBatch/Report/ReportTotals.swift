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

    /// Decodes totals that some report could have: none negative, the four statuses adding up to `jobs`, no
    /// part larger than its whole. A header edited to counts near `Int.max` trapped `status` where it added two
    /// of them (review of 572eea5), and negative ones were shown as they were.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        jobs = try c.decode(Int.self, forKey: .jobs)
        succeeded = try c.decode(Int.self, forKey: .succeeded)
        skipped = try c.decode(Int.self, forKey: .skipped)
        failed = try c.decode(Int.self, forKey: .failed)
        pending = try c.decode(Int.self, forKey: .pending)
        bytes = try c.decode(Int64.self, forKey: .bytes)
        bytesDone = try c.decode(Int64.self, forKey: .bytesDone)
        openUploads = try c.decodeIfPresent(Int.self, forKey: .openUploads)
        unchanged = try c.decodeIfPresent(Int.self, forKey: .unchanged)
        copied = try c.decodeIfPresent(Int.self, forKey: .copied)
        if let problem { throw DecodingError.dataCorruptedError(forKey: .jobs, in: c, debugDescription: problem) }
    }

    /// Why these totals are no report's, if they are not.
    private var problem: String? {
        let counts = [jobs, succeeded, skipped, failed, pending, openUploads ?? 0, unchanged ?? 0, copied ?? 0]
        guard counts.allSatisfy({ $0 >= 0 }), bytes >= 0, bytesDone >= 0 else { return "a count is negative" }
        // Each is at most `jobs` here, so no sum of four overflows unless `jobs` is near Int.max; then saturating
        // sums tell it from a true total.
        let statuses = succeeded.saturatingAdd(skipped).saturatingAdd(failed).saturatingAdd(pending)
        guard statuses == jobs, jobs < Int.max else {
            return "succeeded, skipped, failed and pending do not add up to jobs"
        }
        guard bytesDone <= bytes, (unchanged ?? 0) <= skipped, (copied ?? 0) <= succeeded,
            (openUploads ?? 0) <= failed + pending
        else { return "a part is larger than its whole" }
        return nil
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
