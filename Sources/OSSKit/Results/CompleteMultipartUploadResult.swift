/// What CompleteMultipartUpload returned.
public struct CompleteMultipartUploadResult: Sendable, Hashable {
    public var etag: String
    /// The whole object's CRC-64 as the server reports it (`nil` if it sent none).
    public var crc64: UInt64?
    public var requestID: String
    public var callbackBody: String?
    public var attempts: Int
}
