/// What CopyObject returned.
public struct CopyObjectResult: Sendable, Hashable {
    public var etag: String
    /// The server's CRC-64 of the copy (`x-oss-hash-crc64ecma`); nil from a server that sends none.
    public var crc64: UInt64?
    public var requestID: String
    /// Attempts this call took (1 = first try succeeded).
    public var attempts: Int
}
