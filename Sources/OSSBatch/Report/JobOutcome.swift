/// The result of one job in one run: one line of the journal, one entry's state in the report.
package struct JobOutcome: Sendable, Hashable {
    package var key: String
    package var status: JobStatus
    /// Why a `skipped` job was skipped; absent on other statuses (and on skipped lines written before
    /// reasons existed, which were all `if_exists: skip`).
    package var reason: SkipReason?
    package var uploadID: String?
    package var etag: String?
    /// The object's CRC-64 (decimal string, as in `x-oss-hash-crc64ecma`).
    package var crc64: String?
    /// HTTP requests sent for this job, retries included.
    package var attempts: Int
    /// Body bytes sent in this run (parts kept from an earlier run not included).
    package var bytesSent: Int64
    /// Parts that an earlier run had uploaded and the server confirmed, so were not sent again.
    package var partsReused: Int?
    /// How long the job took in this run.
    package var durationMilliseconds: Int64
    package var callback: CallbackResult?
    /// The checkpoint file that holds this job's multipart progress, while it exists.
    package var checkpoint: String?
    package var error: JobError?
    /// Non-fatal things the user should know (checkpoint discarded, source changed since the plan, …).
    package var warnings: [String]?
    /// The source's status-change time (ns) read before its bytes were, on a `succeeded` job of a batch that
    /// keeps the upload index: with the job's identity it is the index entry, so a resumed report can
    /// write entries its killed run journaled but did not index yet.
    package var ctimeNanoseconds: Int64?
    /// The key the object was copied from server-side (`upload.unchanged: copy`) instead of uploaded.
    package var copiedFrom: String?

    package init(
        key: String,
        status: JobStatus,
        reason: SkipReason? = nil,
        uploadID: String? = nil,
        etag: String? = nil,
        crc64: String? = nil,
        attempts: Int = 0,
        bytesSent: Int64 = 0,
        partsReused: Int? = nil,
        durationMilliseconds: Int64 = 0,
        callback: CallbackResult? = nil,
        checkpoint: String? = nil,
        error: JobError? = nil,
        warnings: [String]? = nil,
        ctimeNanoseconds: Int64? = nil,
        copiedFrom: String? = nil
    ) {
        self.key = key
        self.status = status
        self.reason = reason
        self.uploadID = uploadID
        self.etag = etag
        self.crc64 = crc64
        self.attempts = attempts
        self.bytesSent = bytesSent
        self.partsReused = partsReused
        self.durationMilliseconds = durationMilliseconds
        self.callback = callback
        self.checkpoint = checkpoint
        self.error = error
        self.warnings = warnings
        self.ctimeNanoseconds = ctimeNanoseconds
        self.copiedFrom = copiedFrom
    }
}
