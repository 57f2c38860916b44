/// The per-object settings an upload sends to OSS as headers on PutObject or InitiateMultipartUpload
/// (metadata is fixed when the upload is initiated, not at completion).
///
/// Plain values only: the planner fills them from the manifest, `OSSClient` turns them into headers.
public struct ObjectOptions: Sendable, Hashable, Codable {
    /// The fields, as they are encoded.
    struct Fields: Sendable, Hashable, Codable {
        var contentType: String?
        var acl: ObjectACL
        var storageClass: StorageClass
        var metadata: [String: String]
        var tags: [String: String]
        var cacheControl: String?
        var contentDisposition: String?
        var contentEncoding: String?
        var forbidOverwrite: Bool
        var callback: UploadCallback?
        var serverSideEncryption: ServerSideEncryption?
        var sseKMSKeyID: String?
        var sseDataEncryption: SSEDataEncryption?
    }

    /// Immutable and shared by copies until one of them changes a field: every file of a manifest entry
    /// has the same options (bar the content type), so a 100,000-file plan holds a handful of these
    /// instead of 100,000 copies of ten fields, and copying a job retains one reference instead of ten.
    @usableFromInline
    final class Storage: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    @usableFromInline
    var storage: Storage

    private mutating func update(_ change: (inout Fields) -> Void) {
        var fields = storage.fields
        change(&fields)
        storage = Storage(fields)
    }

    /// `Content-Type`; `nil` lets the server pick its default.
    public var contentType: String? {
        get { storage.fields.contentType }
        set { update { $0.contentType = newValue } }
    }
    public var acl: ObjectACL {
        get { storage.fields.acl }
        set { update { $0.acl = newValue } }
    }
    public var storageClass: StorageClass {
        get { storage.fields.storageClass }
        set { update { $0.storageClass = newValue } }
    }
    /// User metadata, sent as `x-oss-meta-<name>`; names are lower-cased on the wire by OSS.
    public var metadata: [String: String] {
        get { storage.fields.metadata }
        set { update { $0.metadata = newValue } }
    }
    /// Object tags, sent URL-encoded in `x-oss-tagging`.
    public var tags: [String: String] {
        get { storage.fields.tags }
        set { update { $0.tags = newValue } }
    }
    public var cacheControl: String? {
        get { storage.fields.cacheControl }
        set { update { $0.cacheControl = newValue } }
    }
    public var contentDisposition: String? {
        get { storage.fields.contentDisposition }
        set { update { $0.contentDisposition = newValue } }
    }
    public var contentEncoding: String? {
        get { storage.fields.contentEncoding }
        set { update { $0.contentEncoding = newValue } }
    }
    /// `x-oss-forbid-overwrite: true`: the server answers 409 `FileAlreadyExists` if the key exists.
    public var forbidOverwrite: Bool {
        get { storage.fields.forbidOverwrite }
        set { update { $0.forbidOverwrite = newValue } }
    }
    /// An upload callback, sent with PutObject or CompleteMultipartUpload (never with parts).
    public var callback: UploadCallback? {
        get { storage.fields.callback }
        set { update { $0.callback = newValue } }
    }

    /// `x-oss-server-side-encryption`; `nil` leaves it to the bucket's default.
    public var serverSideEncryption: ServerSideEncryption? {
        get { storage.fields.serverSideEncryption }
        set { update { $0.serverSideEncryption = newValue } }
    }
    /// `x-oss-server-side-encryption-key-id`: the KMS key (with `.kms` only).
    public var sseKMSKeyID: String? {
        get { storage.fields.sseKMSKeyID }
        set { update { $0.sseKMSKeyID = newValue } }
    }
    /// `x-oss-server-side-data-encryption` (with `.kms` only).
    public var sseDataEncryption: SSEDataEncryption? {
        get { storage.fields.sseDataEncryption }
        set { update { $0.sseDataEncryption = newValue } }
    }

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
        callback: UploadCallback? = nil,
        serverSideEncryption: ServerSideEncryption? = nil,
        sseKMSKeyID: String? = nil,
        sseDataEncryption: SSEDataEncryption? = nil
    ) {
        storage = Storage(
            Fields(
                contentType: contentType,
                acl: acl,
                storageClass: storageClass,
                metadata: metadata,
                tags: tags,
                cacheControl: cacheControl,
                contentDisposition: contentDisposition,
                contentEncoding: contentEncoding,
                forbidOverwrite: forbidOverwrite,
                callback: callback,
                serverSideEncryption: serverSideEncryption,
                sseKMSKeyID: sseKMSKeyID,
                sseDataEncryption: sseDataEncryption
            )
        )
    }

    /// Inlined, so that the usual case, jobs sharing one options value, is a comparison of two pointers: a
    /// call into this module retained and released both values, the same object on every core at once
    /// (perf of a night of 200,000 unchanged files, 2026-12-03).
    @inlinable
    public static func == (a: ObjectOptions, b: ObjectOptions) -> Bool {
        a.storage === b.storage || sameFields(a, b)
    }

    @usableFromInline
    static func sameFields(_ a: ObjectOptions, _ b: ObjectOptions) -> Bool { a.storage.fields == b.storage.fields }

    /// Whether the two values are one shared value (copies of one another): equal to the byte, at the cost
    /// of comparing two pointers. (`==` compares strings as `String` does, canonically equivalent spellings
    /// alike.)
    @inlinable
    public func sharesStorage(with other: ObjectOptions) -> Bool { storage === other.storage }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage.fields) }

    // Encoded as the fields themselves: the storage is invisible in reports and checkpoints.
    public init(from decoder: any Decoder) throws { storage = Storage(try Fields(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try storage.fields.encode(to: encoder) }
}
