extension ObjectOptions {
    /// The headers PutObject and InitiateMultipartUpload carry for these options (callback headers excluded:
    /// see `UploadCallback.headers`). Defaults send nothing, so the server's defaults apply.
    public var headers: [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        if let contentType { out.append(("Content-Type", contentType)) }
        if let cacheControl { out.append(("Cache-Control", cacheControl)) }
        if let contentDisposition { out.append(("Content-Disposition", contentDisposition)) }
        if let contentEncoding { out.append(("Content-Encoding", contentEncoding)) }
        if acl != .default { out.append(("x-oss-object-acl", acl.rawValue)) }
        if storageClass != .standard { out.append(("x-oss-storage-class", storageClass.rawValue)) }
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) {
            out.append(("x-oss-meta-" + name.lowercased(), value))
        }
        if !tags.isEmpty { out.append(("x-oss-tagging", Self.taggingValue(tags))) }
        if forbidOverwrite { out.append(("x-oss-forbid-overwrite", "true")) }
        if let serverSideEncryption { out.append(("x-oss-server-side-encryption", serverSideEncryption.rawValue)) }
        if let sseKMSKeyID { out.append(("x-oss-server-side-encryption-key-id", sseKMSKeyID)) }
        if let sseDataEncryption { out.append(("x-oss-server-side-data-encryption", sseDataEncryption.rawValue)) }
        return out
    }

    /// `k=v&k2=v2`, each key and value percent-encoded, sorted by key for a stable signature.
    public static func taggingValue(_ tags: [String: String]) -> String {
        tags.sorted { $0.key < $1.key }
            .map { PercentEncoding.encode($0.key) + "=" + PercentEncoding.encode($0.value) }
            .joined(separator: "&")
    }
}
