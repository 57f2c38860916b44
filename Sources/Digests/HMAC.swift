import COpenSSL

/// One-shot HMACs for the request signers: SHA-1 (signature V1) and SHA-256 (signature V4).
public enum HMAC {
    public static func sha1(key: [UInt8], message: [UInt8]) -> [UInt8] { compute(EVP_sha1(), key, message) }
    public static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] { compute(EVP_sha256(), key, message) }

    public static func sha1(key: [UInt8], message: String) -> [UInt8] { sha1(key: key, message: Array(message.utf8)) }
    public static func sha256(key: [UInt8], message: String) -> [UInt8] {
        sha256(key: key, message: Array(message.utf8))
    }

    private static func compute(_ md: OpaquePointer?, _ key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // OpenSSL reads key.count and message.count bytes and writes at most EVP_MAX_MD_SIZE into `out`.
        key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                _ = COpenSSL.HMAC(
                    md,
                    k.baseAddress,
                    Int32(k.count),
                    m.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    m.count,
                    &out,
                    &length
                )
            }
        }
        return Array(out.prefix(Int(length)))
    }
}
