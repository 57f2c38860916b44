/// What UploadPart returned.
public struct UploadPartResult: Sendable, Hashable {
    public var partNumber: Int
    public var etag: String
    /// The CRC-64 of the bytes sent, computed while sending; equal to the server's `x-oss-hash-crc64ecma` when
    /// `crc64Confirmed`.
    public var crc64: UInt64
    /// Whether the server sent its CRC-64 (and it matched). A server without CRC-64 leaves this false.
    public var crc64Confirmed: Bool
    public var size: Int64
    public var requestID: String
    public var attempts: Int
}
