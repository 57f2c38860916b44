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
