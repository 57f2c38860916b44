import NIOHTTP1
import OSSProtocol

/// A request head as LocalOSS sees it: addressing resolved, path and query decoded.
struct OSSRequest: Sendable {
    var method: String
    /// The bucket named by the path (or Host, for virtual-host style); nil for the service root.
    var bucket: String?
    /// The decoded object key; nil or empty when the request is on the bucket.
    var key: String?
    /// Decoded query parameters in the order sent (a bare `uploads` has an empty value).
    var queryItems: [(name: String, value: String)]
    var query: [String: String]
    var headers: HTTPHeaders
    var operation: OSSOperation
    /// The raw request target, for the admin endpoint.
    var uri: String
    /// The id this server gave the request (`x-oss-request-id`).
    var requestID = ""

    var objectKey: String { key ?? "" }

    /// Resolves `head`. `knownBuckets` decides whether a `Host: <bucket>.…` header means virtual-host style.
    init(head: HTTPRequestHead, knownBuckets: Set<String>) {
        method = head.method.rawValue
        headers = head.headers
        uri = head.uri
        let (rawPath, rawQuery) = OSSRequest.split(head.uri)
        queryItems = rawQuery.map(OSSRequest.parseQuery) ?? []
        var q: [String: String] = [:]
        for item in queryItems where q[item.name] == nil { q[item.name] = item.value }
        query = q

        let host = head.headers.first(name: "host").map { $0.split(separator: ":").first.map(String.init) ?? $0 } ?? ""
        let hostLabel = host.split(separator: ".").first.map(String.init)
        let path = rawPath.hasPrefix("/") ? rawPath.dropFirst() : rawPath[...]
        if let label = hostLabel, host.contains("."), knownBuckets.contains(label) {
            // Virtual-host style: the whole path is the key.
            bucket = label
            key = path.isEmpty ? nil : PercentEncoding.decode(String(path))
        } else if path.isEmpty {
            bucket = nil
            key = nil
        } else {
            // Path style: the first segment is the bucket. Decode the rest whole, since oss2 sends `/` as `%2F`.
            let slash = path.firstIndex(of: "/")
            bucket = PercentEncoding.decode(String(path[..<(slash ?? path.endIndex)]))
            let rest = slash.map { path[path.index(after: $0)...] } ?? ""
            key = rest.isEmpty ? nil : PercentEncoding.decode(String(rest))
        }
        operation = .classify(
            method: method,
            hasKey: !(key ?? "").isEmpty,
            query: query,
            copies: head.headers.first(name: "x-oss-copy-source") != nil
        )
    }

    func header(_ name: String) -> String? { headers.first(name: name) }

    static func split(_ uri: String) -> (path: Substring, query: Substring?) {
        guard let q = uri.firstIndex(of: "?") else { return (uri[...], nil) }
        return (uri[..<q], uri[uri.index(after: q)...])
    }

    static func parseQuery(_ raw: Substring) -> [(name: String, value: String)] {
        raw.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let eq = pair.firstIndex(of: "=") {
                return (
                    PercentEncoding.decode(String(pair[..<eq])),
                    PercentEncoding.decode(String(pair[pair.index(after: eq)...]))
                )
            }
            return (PercentEncoding.decode(String(pair)), "")
        }
    }
}
