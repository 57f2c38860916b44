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
