import Digests

/// OSS signature V1 (`OSS <id>:<base64 HMAC-SHA1>`). A pure value; every step is public for servers and tests.
public struct SignerV1: Sendable, CustomStringConvertible {
    public var credentials: Credentials

    public init(credentials: Credentials) { self.credentials = credentials }

    public var description: String { "SignerV1(\(credentials))" }

    /// The query parameters V1 signs (the SDKs' fixed list); every other parameter (`encoding-type`, `prefix`,
    /// `max-parts`, …) is left out of the signature.
    public static let subresources: Set<String> = [
        "acl", "uploadId", "uploads", "partNumber", "group", "link", "delete", "website", "location",
        "objectInfo", "objectMeta", "response-content-type", "response-content-language", "response-expires",
        "response-cache-control", "response-content-disposition", "response-content-encoding", "logging",
        "cors", "lifecycle", "restore", "qos", "referer", "stat", "bucketInfo", "append", "position",
        "security-token", "live", "status", "comp", "vod", "startTime", "endTime", "x-oss-process", "symlink",
        "callback", "callback-var", "tagging", "encryption", "versions", "versioning", "versionId", "policy",
        "requestPayment", "x-oss-traffic-limit", "qosInfo", "asyncFetch", "x-oss-request-payer", "sequential",
        "inventory", "inventoryId", "continuation-token", "worm", "wormId", "wormExtend", "replication",
        "replicationLocation", "replicationProgress", "transferAcceleration", "cname", "metaQuery",
        "x-oss-ac-source-ip", "x-oss-ac-subnet-mask", "x-oss-ac-vpc-id", "x-oss-ac-forward-allow",
        "resourceGroup", "style", "styleName", "x-oss-async-process", "regionList",
    ]

    /// Each `x-oss-*` header, lower-cased, sorted, `name:value\n`.
    public static func canonicalizedOSSHeaders(_ headers: [(name: String, value: String)]) -> String {
        var merged: [String: String] = [:]
        for header in headers {
            let name = header.name.lowercased()
            guard name.hasPrefix("x-oss-") else { continue }
            let value = trimmed(header.value)
            merged[name] = merged[name].map { $0 + "," + value } ?? value
        }
        return merged.keys.sorted().map { "\($0):\(merged[$0]!)\n" }.joined()
    }

    /// `/<bucket>/<key>` decoded (or `/<bucket>/`, `/`), then `?` and the signed sub-resources, sorted, unescaped.
    public static func canonicalizedResource(
        bucket: String?,
        key: String?,
        query: [SignableRequest.QueryItem]
    ) -> String {
        var resource = "/"
        if let bucket, !bucket.isEmpty { resource += bucket + "/" + (key ?? "") }
        let signed = query.filter { subresources.contains($0.name) }
            .sorted { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
        if !signed.isEmpty {
            resource +=
                "?" + signed.map { $0.value.isEmpty ? $0.name : "\($0.name)=\($0.value)" }.joined(separator: "&")
        }
        return resource
    }

    /// `METHOD\nContent-MD5\nContent-Type\nDate\n` + OSS headers + resource.
    public static func stringToSign(_ request: SignableRequest) -> String {
        request.method.uppercased() + "\n"
            + (request.header("Content-MD5") ?? "") + "\n"
            + (request.header("Content-Type") ?? "") + "\n"
            + (request.header("Date") ?? "") + "\n"
            + canonicalizedOSSHeaders(request.headers)
            + canonicalizedResource(bucket: request.bucket, key: request.key, query: request.query)
    }

    /// base64(HMAC-SHA1(secret, string to sign)).
    public func signature(stringToSign: String) -> String {
        HMAC.sha1(key: Array(credentials.accessKeySecret.utf8), message: stringToSign).base64String
    }

    /// `OSS <id>:<signature>`.
    public func authorizationValue(signature: String) -> String { "OSS \(credentials.accessKeyID):\(signature)" }

    /// The full computation for a request that already carries `Date`.
    public func authorization(for request: SignableRequest) -> V1Computation {
        let toSign = Self.stringToSign(request)
        let signature = signature(stringToSign: toSign)
        return V1Computation(
            stringToSign: toSign,
            signature: signature,
            authorization: authorizationValue(signature: signature)
        )
    }

    /// Client side: sets `Date` and the STS token, then `Authorization`.
    public func sign(_ request: inout SignableRequest, at time: SigningTime) {
        request.setHeader("Date", time.rfc1123)
        if let token = credentials.securityToken { request.setHeader("x-oss-security-token", token) }
        request.setHeader("Authorization", authorization(for: request).authorization)
    }

    /// Parses `OSS <id>:<signature>`.
    public static func parseAuthorization(
        _ value: String
    ) throws(SigningError) -> (accessKeyID: String, signature: String) {
        guard value.hasPrefix("OSS "), let colon = value.lastIndex(of: ":") else {
            throw .malformedAuthorization("not OSS <id>:<signature>")
        }
        let id = trimmed(String(value[value.index(value.startIndex, offsetBy: 4)..<colon]))
        let signature = String(value[value.index(after: colon)...])
        guard !id.isEmpty, !signature.isEmpty else { throw .malformedAuthorization("empty id or signature") }
        return (id, signature)
    }
}
