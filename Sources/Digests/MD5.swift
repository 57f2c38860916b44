/// Streaming MD5 over OpenSSL's EVP interface (for `Content-MD5` and ETag checks).
public final class MD5: Sendable {
    // Used as its callers use an MD5 (one hasher per body stream).
    private let digest = StreamingDigest(.md5)

    public init() {}

    public func update(_ bytes: UnsafeRawBufferPointer) { digest.update(bytes) }

    public func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 { digest.update(bytes) }

    /// The 16-byte digest. The hasher must not be used afterwards.
    public func finalize() -> [UInt8] { digest.finalize() }

    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        let md5 = MD5()
        md5.update(bytes)
        return md5.finalize()
    }
}
