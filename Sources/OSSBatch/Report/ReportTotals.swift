/// Counts over the report's jobs.
public struct ReportTotals: Sendable, Codable, Hashable {
    public var jobs = 0
    public var succeeded = 0
    public var skipped = 0
    public var failed = 0
    public var pending = 0
    public var bytes: Int64 = 0
    /// Bytes of jobs that succeeded or were skipped.
    public var bytesDone: Int64 = 0

    private enum CodingKeys: String, CodingKey {
        case jobs, succeeded, skipped, failed, pending, bytes
        case bytesDone = "bytes_done"
    }
}
