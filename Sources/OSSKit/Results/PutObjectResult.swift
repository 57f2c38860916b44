/// What PutObject returned.
public struct PutObjectResult: Sendable, Hashable {
    public var etag: String
    /// The CRC-64 of the bytes sent, computed while sending; equal to the server's `x-oss-hash-crc64ecma` when
    /// `crc64Confirmed`.
    public var crc64: UInt64
    /// Whether the server sent its CRC-64 (and it matched). A server without CRC-64 leaves this false.
    public var crc64Confirmed: Bool
    public var requestID: String
    /// The HTTP status: 200, or 203 never (a 203 CallbackFailed throws `OSSError.service`).
    public var status: Int
    /// The callback receiver's reply relayed by OSS, when the request carried a callback.
    public var callbackBody: String?
    /// Attempts this call took (1 = first try succeeded).
    public var attempts: Int
}
