/// Where a job stands.
public enum JobStatus: String, Sendable, Codable, Hashable {
    /// Not finished: never started, interrupted, or stopped early by a fatal error.
    case pending
    /// OSS confirmed the object and its CRC-64 (or MD5) matched what was read from disk.
    case succeeded
    /// `if_exists: skip` found an identical object already there.
    case skipped
    /// Gave up after retries; `error` says why. `resume` tries it again.
    case failed
}

/// How the bytes went up.
public enum UploadMethodName: String, Sendable, Codable, Hashable {
    case put
    case multipart
}

/// An error as the report records it: enough to act on without the logs.
public struct JobError: Sendable, Codable, Hashable, Error, CustomStringConvertible {
    /// The OSS error code (`AccessDenied`, `NoSuchUpload`, …) or one of ossbatch's own
    /// (`SourceChanged`, `SourceUnreadable`, `IntegrityError`, `TransportError`, `CheckpointError`, …).
    public var code: String
    public var message: String
    public var httpStatus: Int?
    public var requestID: String?
    public var ec: String?

    public init(code: String, message: String, httpStatus: Int? = nil, requestID: String? = nil, ec: String? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.requestID = requestID
        self.ec = ec
    }

    public var description: String {
        var s = "\(code): \(message)"
        if let httpStatus { s += " (HTTP \(httpStatus))" }
        if let requestID, !requestID.isEmpty { s += " [request id \(requestID)]" }
        if let ec { s += " [EC \(ec)]" }
        return s
    }
}

/// What OSS answered to an upload callback.
public struct CallbackResult: Sendable, Codable, Hashable {
    /// 200 when the receiver answered, 203 when OSS reported CallbackFailed.
    public var status: Int
    /// The receiver's reply as OSS relayed it (or OSS's error message).
    public var body: String
}

/// The result of one job in one run: one line of the journal, one entry's state in the report.
public struct JobOutcome: Sendable, Codable, Hashable {
    public var key: String
    public var status: JobStatus
    public var method: UploadMethodName
    public var uploadID: String?
    public var etag: String?
    /// The object's CRC-64 (decimal string, as in `x-oss-hash-crc64ecma`).
    public var crc64: String?
    /// HTTP requests sent for this job, retries included.
    public var attempts: Int
    /// Body bytes sent in this run (parts kept from an earlier run not included).
    public var bytesSent: Int64
    /// Parts that an earlier run had uploaded and the server confirmed, so were not sent again.
    public var partsReused: Int?
    public var durationSeconds: Double
    public var callback: CallbackResult?
    /// The checkpoint file that holds this job's multipart progress, while it exists.
    public var checkpoint: String?
    public var error: JobError?
    /// Non-fatal things the user should know (checkpoint discarded, source changed since the plan, …).
    public var warnings: [String]?
    /// ISO-8601 time the outcome was recorded.
    public var finishedAt: String?

    public init(
        key: String,
        status: JobStatus,
        method: UploadMethodName,
        uploadID: String? = nil,
        etag: String? = nil,
        crc64: String? = nil,
        attempts: Int = 0,
        bytesSent: Int64 = 0,
        partsReused: Int? = nil,
        durationSeconds: Double = 0,
        callback: CallbackResult? = nil,
        checkpoint: String? = nil,
        error: JobError? = nil,
        warnings: [String]? = nil,
        finishedAt: String? = nil
    ) {
        self.key = key
        self.status = status
        self.method = method
        self.uploadID = uploadID
        self.etag = etag
        self.crc64 = crc64
        self.attempts = attempts
        self.bytesSent = bytesSent
        self.partsReused = partsReused
        self.durationSeconds = durationSeconds
        self.callback = callback
        self.checkpoint = checkpoint
        self.error = error
        self.warnings = warnings
        self.finishedAt = finishedAt
    }
}
