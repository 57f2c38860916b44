import OSSProtocol

/// A parsed OSS endpoint (`https://oss-cn-hangzhou.aliyuncs.com`, `http://127.0.0.1:9000`, or a bare host,
/// which means https) and how it turns a bucket and key into a URL.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int?

    /// Parses `[scheme://]host[:port][/]`; a path beyond `/` is refused (OSS endpoints have none).
    public init(parsing text: String) throws(EndpointError) {
        var rest = Substring(text)
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        } else {
            scheme = "https"
        }
        guard scheme == "http" || scheme == "https" else {
            throw EndpointError(
                message: "endpoint \(SecretRedaction.hidingUserInfo(text)): scheme must be http or https"
            )
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/") else {
            throw EndpointError(
                message: "endpoint \(SecretRedaction.hidingUserInfo(text)): expected [scheme://]host[:port]"
            )
        }
        // `[::1]:9000` keeps its brackets in `host`; a bare IPv6 address has no port.
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = String(rest[...close])
            let after = rest[rest.index(after: close)...]
            port = after.hasPrefix(":") ? Int(after.dropFirst()) : nil
            if after.hasPrefix(":") && port == nil {
                throw EndpointError(message: "endpoint \(SecretRedaction.hidingUserInfo(text)): bad port")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else {
                throw EndpointError(message: "endpoint \(SecretRedaction.hidingUserInfo(text)): bad port")
            }
            port = p
        } else {
            host = String(rest)
            port = nil
        }
    }

    public var description: String { "\(scheme)://\(authority(bucket: nil))" }

    /// `host[:port]`, prefixed with `bucket.` for virtual-host addressing.
    public func authority(bucket: String?) -> String {
        let name = bucket.map { "\($0).\(host)" } ?? host
        return port.map { "\(name):\($0)" } ?? name
    }

    /// True when the host is an IP address or `localhost`, where virtual-host addressing cannot work.
    public var requiresPathStyle: Bool {
        if host == "localhost" || host.hasPrefix("[") { return true }
        let parts = host.split(separator: ".")
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The full URL of `request` (path and query percent-encoded exactly as they are signed).
    public func url(for request: SignableRequest, addressing: Addressing) -> String {
        let pathStyle = addressing == .path || requiresPathStyle
        let bucketInHost = pathStyle ? nil : request.bucket
        var url = "\(scheme)://\(authority(bucket: bucketInHost))\(request.encodedPath(includeBucket: pathStyle))"
        if !request.query.isEmpty { url += "?" + request.encodedQuery }
        return url
    }
}
