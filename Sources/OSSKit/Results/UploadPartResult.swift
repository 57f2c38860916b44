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
