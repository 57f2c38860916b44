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
    /// Awaited before each attempt of a request, the first and every retry (from the task making the call): a
    /// caller may hold attempts back while its service looks lost, letting one through now and then to see
    /// whether it is back. Every attempt sent counts against `retry.attempts`, held or not. Throwing gives the
    /// attempt up unsent: the request throws `.transport(.cancelled)` (a batch stopping while it was held).
    /// A call asks again without `onRetry` in between only when its last attempt was answered (the next page of
    /// a listing; the same request with credentials renewed after the service refused them).
    public var beforeAttempt: (@Sendable () async throws -> Void)? = nil
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
