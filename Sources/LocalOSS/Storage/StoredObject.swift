import Foundation

/// What LocalOSS keeps about an object (persisted as JSON beside its data).
struct StoredObject: Codable, Sendable {
    var bucket: String
    var key: String
    var size: UInt64
    /// Quoted, upper-case hex, as OSS sends it (`"…"` or `"…-N"` for multipart).
    var etag: String
    var crc64: UInt64
    var lastModified: Date
    /// Stored object headers (Content-Type, x-oss-meta-*, …) with lower-case names.
    var headers: [String: String]
    /// Data file name under the bucket's objects directory; nil in discard mode.
    var dataFile: String?
    var isMultipart: Bool
}

/// One uploaded part of a multipart upload.
struct StoredPart: Codable, Sendable {
    var number: Int
    var size: UInt64
    var etag: String
    var md5: [UInt8]
    var crc64: UInt64
    var lastModified: Date
    var dataFile: String?
}

/// A multipart upload in progress.
struct StoredUpload: Codable, Sendable {
    var bucket: String
    var key: String
    var uploadID: String
    var initiated: Date
    var headers: [String: String]
    var parts: [Int: StoredPart]
}

/// The object headers OSS stores at Put/Initiate and returns on Head/Get.
enum StoredHeaders {
    static let plain: Set<String> = [
        "content-type", "cache-control", "content-disposition", "content-encoding", "expires",
        "x-oss-object-acl", "x-oss-storage-class", "x-oss-tagging", "x-oss-server-side-encryption",
        "x-oss-server-side-encryption-key-id", "x-oss-server-side-data-encryption",
    ]

    /// The server-side encryption headers, which OSS also returns on the Put, Initiate, UploadPart and
    /// Complete answers.
    static let encryption = [
        "x-oss-server-side-encryption", "x-oss-server-side-encryption-key-id", "x-oss-server-side-data-encryption",
    ]

    static func pick(from request: OSSRequest) -> [String: String] {
        var kept: [String: String] = [:]
        for (name, value) in request.headers {
            let lower = name.lowercased()
            if plain.contains(lower) || lower.hasPrefix("x-oss-meta-") || lower.hasPrefix("x-amz-meta-") {
                kept[lower] = value
            }
        }
        if kept["content-type"] == nil { kept["content-type"] = "application/octet-stream" }
        return kept
    }
}
