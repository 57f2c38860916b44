import OSSProtocol

/// How requests are signed.
public enum SignatureVersion: String, Sendable, Codable, CaseIterable {
    case v4
    case v1
}

/// Where the bucket goes in the URL.
public enum Addressing: String, Sendable, Codable, CaseIterable {
    /// `https://<bucket>.<endpoint>/<key>` (the default against aliyuncs.com).
    case virtualHost = "virtual-host"
    /// `http://<endpoint>/<bucket>/<key>` (IP addresses, localhost, LocalOSS).
    case path
}

/// Where and how an `OSSClient` talks to OSS.
public struct OSSClientConfiguration: Sendable {
    /// `https://oss-cn-hangzhou.aliyuncs.com` or `http://127.0.0.1:PORT`.
    public var endpoint: String
    /// The V4 region id (`cn-hangzhou`).
    public var region: String
    public var signature: SignatureVersion
    public var addressing: Addressing
    public var retry: RetryPolicy
    /// Called before each retry (from the task making the call), e.g. to log it. Never sees secrets.
    public var onRetry: (@Sendable (RetryEvent) -> Void)? = nil
    /// Entries per page of ListParts, ListMultipartUploads and ListObjectsV2 (OSS allows 1…1000).
    public var listPageSize: Int = 1000

    public init(
        endpoint: String,
        region: String,
        signature: SignatureVersion = .v4,
        addressing: Addressing = .virtualHost,
        retry: RetryPolicy = RetryPolicy()
    ) {
        self.endpoint = endpoint
        self.region = region
        self.signature = signature
        self.addressing = addressing
        self.retry = retry
    }
}

/// When and how long to wait before a failed request is sent again.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Total attempts, the first included (1 = never retry).
    public var attempts: Int
    /// Seconds; the n-th retry waits about `min(baseDelay * 2^n, maxDelay)`, with equal jitter.
    public var baseDelay: Double
    public var maxDelay: Double

    public init(attempts: Int = 6, baseDelay: Double = 0.2, maxDelay: Double = 20) {
        self.attempts = attempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }
}

/// A request body for PutObject and UploadPart.
public typealias ObjectBody = HTTPRequestBody

/// What PutObject returned.
public struct PutObjectResult: Sendable, Hashable {
    public var etag: String
    /// The server's `x-oss-hash-crc64ecma`, already checked against the CRC computed while sending.
    public var crc64: UInt64
    public var requestID: String
    /// The HTTP status: 200, or 203 never (a 203 CallbackFailed throws `OSSError.service`).
    public var status: Int
    /// The callback receiver's reply relayed by OSS, when the request carried a callback.
    public var callbackBody: String?
    /// Attempts this call took (1 = first try succeeded).
    public var attempts: Int
}

/// What UploadPart returned.
public struct UploadPartResult: Sendable, Hashable {
    public var partNumber: Int
    public var etag: String
    /// The part's CRC-64 (server's, checked equal to the one computed while sending).
    public var crc64: UInt64
    public var size: Int64
    public var requestID: String
    public var attempts: Int
}

/// One part named in CompleteMultipartUpload.
public struct CompletedPart: Sendable, Hashable, Codable {
    public var partNumber: Int
    public var etag: String
    public init(partNumber: Int, etag: String) {
        self.partNumber = partNumber
        self.etag = etag
    }
}

/// What CompleteMultipartUpload returned.
public struct CompleteMultipartUploadResult: Sendable, Hashable {
    public var etag: String
    /// The whole object's CRC-64 as the server reports it (`nil` if it sent none).
    public var crc64: UInt64?
    public var requestID: String
    public var callbackBody: String?
    public var attempts: Int
}

/// One part as ListParts reports it.
public struct ListedPart: Sendable, Hashable {
    public var partNumber: Int
    public var etag: String
    public var size: Int64
    public var crc64: UInt64?

    public init(partNumber: Int, etag: String, size: Int64, crc64: UInt64?) {
        self.partNumber = partNumber
        self.etag = etag
        self.size = size
        self.crc64 = crc64
    }
}

/// A started multipart upload.
public struct MultipartInitiation: Sendable, Hashable {
    public var uploadID: String
    /// Requests this client sent for it. More than one means an earlier attempt may have started an upload
    /// whose answer was lost; one does not rule that out (libcurl resends by itself a request whose reused
    /// connection closed before any answer).
    public var attempts: Int

    public init(uploadID: String, attempts: Int) {
        self.uploadID = uploadID
        self.attempts = attempts
    }
}

/// One in-progress upload as ListMultipartUploads reports it.
public struct MultipartUploadSummary: Sendable, Hashable {
    public var key: String
    public var uploadID: String
    public var initiated: String

    public init(key: String, uploadID: String, initiated: String) {
        self.key = key
        self.uploadID = uploadID
        self.initiated = initiated
    }
}

/// What HeadObject returned for an existing object.
public struct ObjectHead: Sendable, Hashable {
    public var size: Int64
    public var etag: String
    public var crc64: UInt64?
    public var contentType: String?
    /// `x-oss-meta-*` headers, names without the prefix, lower-cased.
    public var metadata: [String: String]
    public var headers: [String: String]
    public var requestID: String
}

/// One object as ListObjectsV2 reports it.
public struct ObjectSummary: Sendable, Hashable {
    public var key: String
    public var size: Int64
    public var etag: String

    public init(key: String, size: Int64, etag: String) {
        self.key = key
        self.size = size
        self.etag = etag
    }
}

/// The OSS operations an uploader needs, signed, retried per `RetryPolicy`, integrity-checked.
/// Knows nothing of manifests or batches. Every method throws `OSSError`.
///
/// The operations live in `OSSClient+Objects.swift`, `OSSClient+Multipart.swift` and
/// `OSSClient+Listing.swift`; signing and the retry loop in `OSSClient+Perform.swift`.
public final class OSSClient: Sendable, CustomStringConvertible {
    public let configuration: OSSClientConfiguration
    let credentials: Credentials
    /// What every request goes through; its `bodyBytesSent` is the batch's progress in bytes.
    public let transport: any HTTPTransport
    let endpoint: Result<Endpoint, EndpointError>
    let clock = ClockSkew()

    public init(configuration: OSSClientConfiguration, credentials: Credentials, transport: any HTTPTransport) {
        self.configuration = configuration
        self.credentials = credentials
        self.transport = transport
        // A bad endpoint is reported by the first call (as curl's "URL malformed"), keeping `init` non-throwing.
        self.endpoint = Result { () throws(EndpointError) in try Endpoint(parsing: configuration.endpoint) }
    }

    public var description: String {
        "OSSClient(\(configuration.endpoint), region: \(configuration.region), \(configuration.signature.rawValue), \(credentials))"
    }

    /// Seconds added to the local clock when signing, learnt from `RequestTimeTooSkewed` answers.
    public var clockOffset: Int64 { clock.offset }
}
