import COpenSSL

/// A digest fed piece by piece, over OpenSSL's EVP interface: MD5 (`Content-MD5`, ETag checks) and SHA-256
/// (a plan's ID over more bytes than are worth holding at once).
public final class StreamingDigest: @unchecked Sendable {
    public enum Algorithm: Sendable { case md5, sha256 }

    // Owned exclusively by this instance; callers serialise use (one hasher per stream).
    private let context: OpaquePointer

    public init(_ algorithm: Algorithm) {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        context = ctx
        EVP_DigestInit_ex(context, algorithm == .md5 ? EVP_md5() : EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        // EVP_DigestUpdate reads `count` bytes from `base`, which `bytes` holds for the call.
        EVP_DigestUpdate(context, base, bytes.count)
    }

    public func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if handled == nil { Array(bytes).withUnsafeBytes { update($0) } }
    }

    /// The digest (16 bytes for MD5, 32 for SHA-256). The hasher must not be used afterwards.
    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // EVP_DigestFinal_ex writes at most EVP_MAX_MD_SIZE bytes into `out`, and their number into `length`.
        EVP_DigestFinal_ex(context, &out, &length)
        return Array(out.prefix(Int(length)))
    }
}
