/// What to verify end to end (docs/manifest.md § `upload` says what each mode proves).
package enum VerifyMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// The server's CRC-64 of every PutObject and part equals the CRC-64 of the bytes sent, and the object's
    /// equals the parts' combined CRC-64. An answer without CRC-64 stops the batch (`MissingCRC64`).
    case crc64
    /// `Content-MD5` on every PutObject and UploadPart (the server refuses a mismatch), and a PutObject's ETag
    /// equals the MD5. For servers without CRC-64: CRC-64s they do send are still compared.
    case md5
    /// Both of the above.
    case both
    /// Nothing is required; CRC-64s the server does send are still compared.
    case none

    /// Whether PutObject and UploadPart carry `Content-MD5`.
    package var sendsContentMD5: Bool { self == .md5 || self == .both }

    /// Whether every upload answer, and the object, must carry the server's CRC-64.
    package var requiresCRC64: Bool { self == .crc64 || self == .both }
}
