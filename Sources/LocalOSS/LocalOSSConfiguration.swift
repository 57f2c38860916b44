import Foundation

/// How a `LocalOSSServer` is set up: where it stores data, which buckets and keys exist.
public struct LocalOSSConfiguration: Sendable {
    /// Directory for objects, parts, metadata and temporary files (created if missing).
    public var dataDirectory: URL
    /// Bucket names that exist; any other bucket is `NoSuchBucket`.
    public var buckets: Set<String>
    /// AccessKey id → secret. Empty means anonymous requests are accepted and signatures are not checked.
    public var accessKeys: [String: String]
    /// Region used in V4 scopes (the scope's region must match).
    public var region: String
    /// Hash and drop bodies, keeping only sizes, hashes and metadata (for benchmarks).
    public var discardBodies: Bool
    /// TCP port on 127.0.0.1; 0 picks a free one.
    public var port: Int
    /// How long a callback receiver may take before the answer is 203 `CallbackFailed`.
    public var callbackTimeout: TimeInterval
    /// Added to the server's clock (its `Date` header and skew check), to test clients' skew correction.
    public var clockOffset: TimeInterval = 0
    /// Refuse signed requests whose time is further off than this with 403 `RequestTimeTooSkewed`
    /// (OSS: 15 minutes). nil: not checked (so recorded requests can be replayed).
    public var maxClockSkew: TimeInterval? = nil
    /// Act as an OSS-compatible store without CRC-64: no `x-oss-hash-crc64ecma` on any answer (nor
    /// `HashCrc64ecma` in listings), and 501 `NotImplemented` for ListParts and ListMultipartUploads.
    public var withoutCRC64 = false
    /// The most entries one page of ListObjects, ListMultipartUploads or ListParts holds, whatever the
    /// request asks (OSS: 1000): lower it to make clients page over a few entries.
    public var listPageLimit: Int = 1000

    public init(
        dataDirectory: URL,
        buckets: Set<String>,
        accessKeys: [String: String] = [:],
        region: String = "cn-hangzhou",
        discardBodies: Bool = false,
        port: Int = 0,
        callbackTimeout: TimeInterval = 5
    ) {
        self.dataDirectory = dataDirectory
        self.buckets = buckets
        self.accessKeys = accessKeys
        self.region = region
        self.discardBodies = discardBodies
        self.port = port
        self.callbackTimeout = callbackTimeout
    }
}
