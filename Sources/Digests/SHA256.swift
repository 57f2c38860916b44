import COpenSSL

/// One-shot SHA-256 (the V4 signer hashes the canonical request with it).
public enum SHA256 {
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        let input = Array(bytes)
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        input.withUnsafeBytes { raw in
            // SHA256 reads `count` bytes from `raw` and writes 32 bytes into `out`, which has room for them.
            _ = COpenSSL.SHA256(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count, &out)
        }
        return out
    }
}
