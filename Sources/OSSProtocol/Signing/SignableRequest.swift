/// The parts of an OSS request that a signature covers, in decoded form: the client builds one before
/// sending, a server (LocalOSS) parses one from what arrived. Headers keep their order and spelling.
public struct SignableRequest: Sendable, CustomStringConvertible {
    /// One query parameter, decoded. An empty `value` is a bare parameter (`?uploads` and `?uploads=` alike).
    public struct QueryItem: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String = "") {
            self.name = name
            self.value = value
        }
    }

    public var method: String
    /// `nil` for service-level requests (no bucket).
    public var bucket: String?
    /// The object key, decoded; `nil` or empty for bucket-level requests.
    public var key: String?
    public var query: [QueryItem]
    public var headers: [(name: String, value: String)]

    public init(
        method: String,
        bucket: String?,
        key: String?,
        query: [QueryItem] = [],
        headers: [(name: String, value: String)] = []
    ) {
        self.method = method
        self.bucket = bucket
        self.key = key
        self.query = query
        self.headers = headers
    }

    /// Parses a request target as it arrived (`/bucket/key?query`, percent-encoded). With `bucket == nil` the
    /// target is path-style and its first segment is the bucket; otherwise (virtual-host addressing, the bucket
    /// came from the Host header) the whole path is the key.
    public init(method: String, target: String, headers: [(name: String, value: String)], bucket: String? = nil) {
        let (rawPath, rawQuery) = Self.split(target)
        let path = PercentEncoding.decode(rawPath)
        let trimmed = path.hasPrefix("/") ? String(path.dropFirst()) : path
        if let bucket {
            self.bucket = bucket
            self.key = trimmed
        } else if let slash = trimmed.firstIndex(of: "/") {
            self.bucket = String(trimmed[..<slash])
            self.key = String(trimmed[trimmed.index(after: slash)...])
        } else {
            self.bucket = trimmed.isEmpty ? nil : trimmed
            self.key = nil
        }
        self.method = method
        self.query = Self.parseQuery(rawQuery)
        self.headers = headers
    }

    /// The first header named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// Replaces every header named `name` (case-insensitively) by one with `value`.
    public mutating func setHeader(_ name: String, _ value: String) {
        let lowered = name.lowercased()
        headers.removeAll { $0.name.lowercased() == lowered }
        headers.append((name: name, value: value))
    }

    /// The path as sent: `/bucket/key` (path-style) or `/key` (virtual-host), encoded with `/` kept.
    public func encodedPath(includeBucket: Bool) -> String {
        var path = "/"
        if includeBucket, let bucket {
            path += PercentEncoding.encode(bucket) + "/"
        }
        if let key { path += PercentEncoding.encode(key, keepSlash: true) }
        return path
    }

    /// The query as sent, in the given order: `name=value` or bare `name`, each part encoded.
    public var encodedQuery: String {
        query.map { item in
            let name = PercentEncoding.encode(item.name)
            return item.value.isEmpty ? name : name + "=" + PercentEncoding.encode(item.value)
        }.joined(separator: "&")
    }

    /// Header values of secrets (the STS token, the Authorization signature) are left out.
    public var description: String {
        let shown = headers.map { header -> String in
            let lowered = header.name.lowercased()
            let secret = lowered == "x-oss-security-token" || lowered == "authorization"
            return "\(header.name): \(secret ? "<redacted>" : header.value)"
        }
        return
            "\(method) \(encodedPath(includeBucket: true))\(query.isEmpty ? "" : "?" + encodedQuery) [\(shown.joined(separator: ", "))]"
    }

    static func split(_ target: String) -> (path: String, query: String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }

    static func parseQuery(_ raw: String) -> [QueryItem] {
        raw.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let eq = pair.firstIndex(of: "=") {
                return QueryItem(
                    PercentEncoding.decode(String(pair[..<eq])),
                    PercentEncoding.decode(String(pair[pair.index(after: eq)...]))
                )
            }
            return QueryItem(PercentEncoding.decode(String(pair)))
        }
    }
}
