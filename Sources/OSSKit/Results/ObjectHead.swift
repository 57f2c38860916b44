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
