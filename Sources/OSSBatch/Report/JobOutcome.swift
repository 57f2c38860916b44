/// The result of one job in one run: one line of the journal, one entry's state in the report.
///
/// Kept small, since a report holds one per job (a batch of 1,000,000 files holds 1,000,000): what every
/// finished job has is stored inline and compactly (the ETag of a PutObject and the CRC-64 as numbers, not
/// text), what few jobs have (an upload id, a callback, a checkpoint, an error, warnings) in one shared box
/// that is absent for most. The properties read and write as before.
package struct JobOutcome: Sendable, Hashable {
    /// The job's key, split as its spec's is (`UploadJob.objectKey`): made from that, it shares its strings,
    /// so a report holds no key string per job.
    package var objectKey: SplitPath
    /// Everything but the key: what a report keeps beside each job (`ReportJob`), whose key is its job's.
    var recorded: Recorded

    /// An outcome's fields but its key.
    struct Recorded: Sendable, Hashable {
        // Stored in this order so that the one-byte fields fill the padding after the 17-byte ETag, and the
        // attempts (kept in 32 bits) the padding after the CRC-64: 72 bytes, not 88.
        fileprivate(set) var storedETag: CompactETag?
        var status: JobStatus
        var reason: SkipReason?
        fileprivate(set) var storedCRC64: CompactDecimal?
        fileprivate(set) var storedAttempts: Int32 = 0
        fileprivate(set) var bytesSent: Int64 = 0
        fileprivate(set) var durationMilliseconds: Int64 = 0
        fileprivate(set) var details: Details?

        /// A skipped job's (`ReportJob(skipped:reason:etag:crc64:)`): made without the key, which the line
        /// takes from its job.
        static func skipped(reason: SkipReason, etag: CompactETag?, crc64: UInt64?) -> Recorded {
            Recorded(
                storedETag: etag,
                status: .skipped,
                reason: reason,
                storedCRC64: crc64.map(CompactDecimal.number)
            )
        }
    }

    /// An outcome of `key` made of what a report kept of it.
    init(objectKey: SplitPath, recorded: Recorded) {
        self.objectKey = objectKey
        self.recorded = recorded
    }

    package var status: JobStatus {
        get { recorded.status }
        set { recorded.status = newValue }
    }

    /// Why a `skipped` job was skipped; absent on other statuses (and on skipped lines written before
    /// reasons existed, which were all `if_exists: skip`).
    package var reason: SkipReason? {
        get { recorded.reason }
        set { recorded.reason = newValue }
    }

    /// Body bytes sent in this run (parts kept from an earlier run not included).
    package var bytesSent: Int64 {
        get { recorded.bytesSent }
        set { recorded.bytesSent = newValue }
    }

    /// How long the job took in this run.
    package var durationMilliseconds: Int64 {
        get { recorded.durationMilliseconds }
        set { recorded.durationMilliseconds = newValue }
    }

    private var storedETag: CompactETag? {
        get { recorded.storedETag }
        set { recorded.storedETag = newValue }
    }

    private var storedCRC64: CompactDecimal? {
        get { recorded.storedCRC64 }
        set { recorded.storedCRC64 = newValue }
    }

    private var storedAttempts: Int32 {
        get { recorded.storedAttempts }
        set { recorded.storedAttempts = newValue }
    }

    private var details: Details? {
        get { recorded.details }
        set { recorded.details = newValue }
    }

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
        objectKey = SplitPath(key)
        recorded = Recorded(
            storedETag: etag.map(CompactETag.init),
            status: status,
            reason: reason,
            storedCRC64: crc64.map(CompactDecimal.init),
            storedAttempts: Int32(clamping: attempts),
            bytesSent: bytesSent,
            durationMilliseconds: durationMilliseconds
        )
        let rare = Details.Fields(
            uploadID: uploadID,
            partsReused: partsReused,
            callback: callback,
            checkpoint: checkpoint,
            error: error,
            warnings: warnings,
            ctimeNanoseconds: ctimeNanoseconds,
            copiedFrom: copiedFrom
        )
        self.details = rare.isEmpty ? nil : Details(rare)
    }

    /// A pending job's outcome (a new report's, or one run again).
    package init(key: SplitPath, status: JobStatus) {
        objectKey = key
        recorded = Recorded(storedETag: nil, status: status, reason: nil, storedCRC64: nil)
    }

    /// HTTP requests sent for this job, retries included.
    package var attempts: Int {
        get { Int(storedAttempts) }
        set { storedAttempts = Int32(clamping: newValue) }
    }

    package var key: String {
        get { objectKey.path }
        set { objectKey = SplitPath(newValue) }
    }

    package var etag: String? {
        get { storedETag?.text }
        set { storedETag = newValue.map(CompactETag.init) }
    }

    /// The object's CRC-64 (decimal string, as in `x-oss-hash-crc64ecma`).
    package var crc64: String? {
        get { storedCRC64?.text }
        set { storedCRC64 = newValue.map(CompactDecimal.init) }
    }

    /// Whether the CRC-64, if there is one, is a number: always when it is stored as one (checking that from
    /// its text would print the number and read it again, for every job of a report read).
    var crc64IsNumber: Bool {
        switch storedCRC64 {
        case nil, .number: true
        case .text(let text): UInt64(text) != nil
        }
    }

    package var uploadID: String? {
        get { details?.fields.uploadID }
        set { update { $0.uploadID = newValue } }
    }

    /// Parts that an earlier run had uploaded and the server confirmed, so were not sent again.
    package var partsReused: Int? {
        get { details?.fields.partsReused }
        set { update { $0.partsReused = newValue } }
    }

    package var callback: CallbackResult? {
        get { details?.fields.callback }
        set { update { $0.callback = newValue } }
    }

    /// The checkpoint file that holds this job's multipart progress, while it exists.
    package var checkpoint: String? {
        get { details?.fields.checkpoint }
        set { update { $0.checkpoint = newValue } }
    }

    package var error: JobError? {
        get { details?.fields.error }
        set { update { $0.error = newValue } }
    }

    /// Non-fatal things the user should know (checkpoint discarded, source changed since the plan, …).
    package var warnings: [String]? {
        get { details?.fields.warnings }
        set { update { $0.warnings = newValue } }
    }

    /// The source's status-change time (ns) read before its bytes were, on a `succeeded` job (or one whose
    /// object `if_exists: skip` found identical) of a batch that keeps the upload index: with the job's identity
    /// it is the index entry, so a resumed report can write entries its killed run journaled but did not index
    /// yet.
    package var ctimeNanoseconds: Int64? {
        get { details?.fields.ctimeNanoseconds }
        set { update { $0.ctimeNanoseconds = newValue } }
    }

    /// The key the object was copied from server-side (`upload.unchanged: copy`) instead of uploaded.
    package var copiedFrom: String? {
        get { details?.fields.copiedFrom }
        set { update { $0.copiedFrom = newValue } }
    }

    /// Changes the rare fields in a box of this outcome's own (boxes are shared between copies), and drops
    /// the box once they are all empty.
    private mutating func update(_ change: (inout Details.Fields) -> Void) {
        var fields = details?.fields ?? Details.Fields()
        change(&fields)
        details = fields.isEmpty ? nil : Details(fields)
    }

    /// The fields few jobs have, boxed: one reference in every outcome instead of ~200 bytes.
    final class Details: Sendable, Hashable {
        struct Fields: Sendable, Hashable {
            var uploadID: String?
            var partsReused: Int?
            var callback: CallbackResult?
            var checkpoint: String?
            var error: JobError?
            var warnings: [String]?
            var ctimeNanoseconds: Int64?
            var copiedFrom: String?

            var isEmpty: Bool {
                uploadID == nil && partsReused == nil && callback == nil && checkpoint == nil && error == nil
                    && warnings == nil && ctimeNanoseconds == nil && copiedFrom == nil
            }
        }

        let fields: Fields

        fileprivate init(_ fields: Fields) { self.fields = fields }

        static func == (a: Details, b: Details) -> Bool { a === b || a.fields == b.fields }
        func hash(into hasher: inout Hasher) { hasher.combine(fields) }
    }
}

extension JobOutcome.Recorded {
    // What a report's totals count, read where it is kept: making each job's whole outcome (its key's strings
    // retained and released) to read its status was a tenth of a nightly run.
    var isCopied: Bool { details?.fields.copiedFrom != nil }
    /// Whether the job's multipart upload may be open on OSS: it is unfinished and a checkpoint holds it, or it
    /// is pending with an upload id alone — a copy in parts stopped before its abort could be made (it keeps no
    /// checkpoint). Such a line was not counted: `status` took a fatal night with an upload open, and billed, for
    /// a finished one. A failed line's upload id without a checkpoint is an upload that was used up (completed,
    /// or gone), not an open one.
    var holdsOpenUpload: Bool {
        guard let fields = details?.fields else { return false }
        switch status {
        case .pending: return fields.checkpoint != nil || fields.uploadID != nil
        case .failed: return fields.checkpoint != nil
        case .succeeded, .skipped: return false
        }
    }
    /// Whether the outcome records the source's ctime (a confirmed job of a batch keeping the upload index).
    var recordsCtime: Bool { details?.fields.ctimeNanoseconds != nil }

    /// A job not yet run: what a new report records for every job it uploads.
    static let pending = JobOutcome.Recorded(storedETag: nil, status: .pending, reason: nil, storedCRC64: nil)
}
