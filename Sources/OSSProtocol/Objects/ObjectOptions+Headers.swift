import Foundation

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
        return out
    }

    /// `k=v&k2=v2`, each key and value percent-encoded, sorted by key for a stable signature.
    public static func taggingValue(_ tags: [String: String]) -> String {
        tags.sorted { $0.key < $1.key }
            .map { PercentEncoding.encode($0.key) + "=" + PercentEncoding.encode($0.value) }
            .joined(separator: "&")
    }
}

extension UploadCallback {
    /// `x-oss-callback` (base64 of the JSON description) and, with custom variables, `x-oss-callback-var`
    /// (base64 of a JSON object whose names are `x:<name>`, lower-cased as OSS requires).
    public var headers: [(name: String, value: String)] {
        var spec: [String: String] = ["callbackUrl": url, "callbackBody": body]
        if let host { spec["callbackHost"] = host }
        if let bodyType { spec["callbackBodyType"] = bodyType }
        var out: [(name: String, value: String)] = [("x-oss-callback", Self.base64JSON(spec))]
        if !vars.isEmpty {
            var named: [String: String] = [:]
            for (name, value) in vars {
                let bare = name.hasPrefix("x:") ? String(name.dropFirst(2)) : name
                named["x:" + bare.lowercased()] = value
            }
            out.append(("x-oss-callback-var", Self.base64JSON(named)))
        }
        return out
    }

    private static func base64JSON(_ object: [String: String]) -> String {
        // Sorted keys and unescaped slashes: stable bytes, and URLs as OSS's own examples write them.
        // Encoding a [String: String] cannot fail.
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return data.base64EncodedString()
    }
}
