/// `x-oss-server-side-encryption`: how OSS encrypts the object at rest. Sent with PutObject and
/// InitiateMultipartUpload; the parts of an upload inherit it.
public enum ServerSideEncryption: String, Sendable, Hashable, Codable, CaseIterable {
    /// Keys managed by OSS (AES-256).
    case aes256 = "AES256"
    /// Keys managed by KMS: the default customer master key, or `ObjectOptions.sseKMSKeyID`.
    case kms = "KMS"
    /// The SM4 block cipher, keys managed by OSS.
    case sm4 = "SM4"
}

/// `x-oss-server-side-data-encryption`: the algorithm of KMS-managed encryption (default AES-256).
public enum SSEDataEncryption: String, Sendable, Hashable, Codable, CaseIterable {
    case sm4 = "SM4"
}
