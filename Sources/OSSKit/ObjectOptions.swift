/// The per-object settings an upload sends to OSS as headers on PutObject or InitiateMultipartUpload
/// (metadata is fixed when the upload is initiated, not at completion).
///
/// Plain values only: the planner fills them from the manifest, `OSSClient` turns them into headers.
public struct ObjectOptions: Sendable, Hashable, Codable {
    /// `Content-Type`; `nil` lets the server pick its default.
    public var contentType: String?
    public var acl: ObjectACL
    public var storageClass: StorageClass
    /// User metadata, sent as `x-oss-meta-<name>`; names are lower-cased on the wire by OSS.
    public var metadata: [String: String]
    /// Object tags, sent URL-encoded in `x-oss-tagging`.
    public var tags: [String: String]
    public var cacheControl: String?
    public var contentDisposition: String?
    public var contentEncoding: String?
    /// `x-oss-forbid-overwrite: true`: the server answers 409 `FileAlreadyExists` if the key exists.
    public var forbidOverwrite: Bool
    /// An upload callback, sent with PutObject or CompleteMultipartUpload (never with parts).
    public var callback: UploadCallback?

    public init(
        contentType: String? = nil,
        acl: ObjectACL = .default,
        storageClass: StorageClass = .standard,
        metadata: [String: String] = [:],
        tags: [String: String] = [:],
        cacheControl: String? = nil,
        contentDisposition: String? = nil,
        contentEncoding: String? = nil,
        forbidOverwrite: Bool = false,
        callback: UploadCallback? = nil
    ) {
        self.contentType = contentType
        self.acl = acl
        self.storageClass = storageClass
        self.metadata = metadata
        self.tags = tags
        self.cacheControl = cacheControl
        self.contentDisposition = contentDisposition
        self.contentEncoding = contentEncoding
        self.forbidOverwrite = forbidOverwrite
        self.callback = callback
    }
}

/// `x-oss-object-acl`. `.default` inherits the bucket's ACL and sends no header.
public enum ObjectACL: String, Sendable, Hashable, Codable, CaseIterable {
    case `default` = "default"
    case `private` = "private"
    case publicRead = "public-read"
    case publicReadWrite = "public-read-write"
}

/// `x-oss-storage-class`. `.standard` is the default and sends no header.
public enum StorageClass: String, Sendable, Hashable, Codable, CaseIterable {
    case standard = "Standard"
    case ia = "IA"
    case archive = "Archive"
    case coldArchive = "ColdArchive"
    case deepColdArchive = "DeepColdArchive"
}

/// An OSS upload callback (`x-oss-callback` and `x-oss-callback-var`).
public struct UploadCallback: Sendable, Hashable, Codable {
    /// One or more URLs (OSS accepts up to 5, separated by `;`).
    public var url: String
    public var host: String?
    /// The body OSS POSTs; may use `${bucket}`, `${object}`, `${etag}`, `${size}`, `${mimeType}`,
    /// `${crc64}` and custom `${x:name}` variables.
    public var body: String
    /// `application/x-www-form-urlencoded` (OSS's default) or `application/json`.
    public var bodyType: String?
    /// Custom variables, without the `x:` prefix (`["batch": "nightly"]` is sent as `x:batch`).
    public var vars: [String: String]

    public init(url: String, host: String? = nil, body: String, bodyType: String? = nil, vars: [String: String] = [:]) {
        self.url = url
        self.host = host
        self.body = body
        self.bodyType = bodyType
        self.vars = vars
    }
}
