import OSSProtocol

/// `ObjectOptions` as format 2 writes them: one entry of the `options` table that job lines refer to by
/// index. Optional values (strings, the callback, server-side encryption) are left out when unset; the rest
/// is always written.
struct ObjectOptionsRecord: Codable, Sendable {
    var options: ObjectOptions

    init(_ options: ObjectOptions) { self.options = options }

    private enum CodingKeys: String, CodingKey {
        case contentType = "content_type"
        case acl
        case storageClass = "storage_class"
        case metadata
        case tags
        case cacheControl = "cache_control"
        case contentDisposition = "content_disposition"
        case contentEncoding = "content_encoding"
        case forbidOverwrite = "forbid_overwrite"
        case callback
        case serverSideEncryption = "server_side_encryption"
        case sseKMSKeyID = "sse_kms_key_id"
        case sseDataEncryption = "sse_data_encryption"
    }

    private enum CallbackKeys: String, CodingKey {
        case url, host, body
        case bodyType = "body_type"
        case vars
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var callback: UploadCallback?
        if c.contains(.callback) {
            let b = try c.nestedContainer(keyedBy: CallbackKeys.self, forKey: .callback)
            callback = UploadCallback(
                url: try b.decode(String.self, forKey: .url),
                host: try b.decodeIfPresent(String.self, forKey: .host),
                body: try b.decode(String.self, forKey: .body),
                bodyType: try b.decodeIfPresent(String.self, forKey: .bodyType),
                vars: try b.decode([String: String].self, forKey: .vars)
            )
        }
        options = ObjectOptions(
            contentType: try c.decodeIfPresent(String.self, forKey: .contentType),
            acl: try c.decode(ObjectACL.self, forKey: .acl),
            storageClass: try c.decode(StorageClass.self, forKey: .storageClass),
            metadata: try c.decode([String: String].self, forKey: .metadata),
            tags: try c.decode([String: String].self, forKey: .tags),
            cacheControl: try c.decodeIfPresent(String.self, forKey: .cacheControl),
            contentDisposition: try c.decodeIfPresent(String.self, forKey: .contentDisposition),
            contentEncoding: try c.decodeIfPresent(String.self, forKey: .contentEncoding),
            forbidOverwrite: try c.decode(Bool.self, forKey: .forbidOverwrite),
            callback: callback,
            serverSideEncryption: try c.decodeIfPresent(ServerSideEncryption.self, forKey: .serverSideEncryption),
            sseKMSKeyID: try c.decodeIfPresent(String.self, forKey: .sseKMSKeyID),
            sseDataEncryption: try c.decodeIfPresent(SSEDataEncryption.self, forKey: .sseDataEncryption)
        )
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(options.contentType, forKey: .contentType)
        try c.encode(options.acl, forKey: .acl)
        try c.encode(options.storageClass, forKey: .storageClass)
        try c.encode(options.metadata, forKey: .metadata)
        try c.encode(options.tags, forKey: .tags)
        try c.encodeIfPresent(options.cacheControl, forKey: .cacheControl)
        try c.encodeIfPresent(options.contentDisposition, forKey: .contentDisposition)
        try c.encodeIfPresent(options.contentEncoding, forKey: .contentEncoding)
        try c.encode(options.forbidOverwrite, forKey: .forbidOverwrite)
        if let callback = options.callback {
            var b = c.nestedContainer(keyedBy: CallbackKeys.self, forKey: .callback)
            try b.encode(callback.url, forKey: .url)
            try b.encodeIfPresent(callback.host, forKey: .host)
            try b.encode(callback.body, forKey: .body)
            try b.encodeIfPresent(callback.bodyType, forKey: .bodyType)
            try b.encode(callback.vars, forKey: .vars)
        }
        try c.encodeIfPresent(options.serverSideEncryption, forKey: .serverSideEncryption)
        try c.encodeIfPresent(options.sseKMSKeyID, forKey: .sseKMSKeyID)
        try c.encodeIfPresent(options.sseDataEncryption, forKey: .sseDataEncryption)
    }
}
