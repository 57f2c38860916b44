import Digests

/// OSS signature V4 (`OSS4-HMAC-SHA256`). A pure value: every step is public so that a server can recompute a
/// client's signature from the request it received, and tests can compare each intermediate string.
public struct SignerV4: Sendable, CustomStringConvertible {
    public static let algorithm = "OSS4-HMAC-SHA256"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    public var credentials: Credentials
    /// The V4 region id (`cn-hangzhou`).
    public var region: String
    public var service = "oss"

    public init(credentials: Credentials, region: String) {
        self.credentials = credentials
        self.region = region
    }

    public var description: String { "SignerV4(\(credentials), region: \(region))" }

    // MARK: canonical request

    /// `/<bucket>/<key>`, `/<bucket>/` or `/`, encoded with `/` kept, whatever the addressing style.
    public static func canonicalURI(bucket: String?, key: String?) -> String {
        guard let bucket, !bucket.isEmpty else { return "/" }
        return "/" + bucket + "/" + PercentEncoding.encode(key ?? "", keepSlash: true)
    }

    /// Every parameter encoded, sorted by name (then value), `k=v` or bare `k` when the value is empty.
    public static func canonicalQuery(_ query: [SignableRequest.QueryItem]) -> String {
        let encoded: [(name: String, value: String)] = query.map {
            (PercentEncoding.encode($0.name), PercentEncoding.encode($0.value))
        }
        let sorted = encoded.sorted { (a, b) -> Bool in a.name == b.name ? a.value < b.value : a.name < b.name }
        let parts: [String] = sorted.map { $0.value.isEmpty ? $0.name : $0.name + "=" + $0.value }
        return parts.joined(separator: "&")
    }

    /// Whether V4 signs a header: `x-oss-*`, `content-type`, `content-md5`, and those named in
    /// `additionalHeaders` (lower-case names).
    public static func isSigned(_ lowercasedName: String, additionalHeaders: Set<String>) -> Bool {
        lowercasedName.hasPrefix("x-oss-") || lowercasedName == "content-type" || lowercasedName == "content-md5"
            || additionalHeaders.contains(lowercasedName)
    }

    /// `name:value\n` for each signed header, names lower-cased, sorted, values trimmed; repeated headers are
    /// joined with `,`.
    public static func canonicalHeaders(
        _ headers: [(name: String, value: String)],
        additionalHeaders: [String] = []
    ) -> String {
        let extra = Set(additionalHeaders.map { $0.lowercased() })
        var merged: [String: String] = [:]
        for header in headers {
            let name = header.name.lowercased()
            guard isSigned(name, additionalHeaders: extra) else { continue }
            let value = trimmed(header.value)
            merged[name] = merged[name].map { $0 + "," + value } ?? value
        }
        return merged.keys.sorted().map { "\($0):\(merged[$0]!)\n" }.joined()
    }

    /// `AdditionalHeaders` as it appears in the canonical request and the Authorization: sorted, `;`-joined.
    public static func additionalHeadersList(_ names: [String]) -> String {
        Set(names.map { $0.lowercased() }).sorted().joined(separator: ";")
    }

    public static func canonicalRequest(_ request: SignableRequest, additionalHeaders: [String] = []) -> String {
        [
            request.method.uppercased(),
            canonicalURI(bucket: request.bucket, key: request.key),
            canonicalQuery(request.query),
            canonicalHeaders(request.headers, additionalHeaders: additionalHeaders),
            additionalHeadersList(additionalHeaders),
            request.header("x-oss-content-sha256") ?? unsignedPayload,
        ].joined(separator: "\n")
    }

    // MARK: string to sign, key, signature

    /// `<yyyymmdd>/<region>/oss/aliyun_v4_request`.
    public func scope(day: String) -> String { "\(day)/\(region)/\(service)/aliyun_v4_request" }

    /// `OSS4-HMAC-SHA256\n<x-oss-date>\n<scope>\nhex(sha256(canonical request))`.
    public func stringToSign(canonicalRequest: String, timestamp: String) -> String {
        [
            Self.algorithm, timestamp, scope(day: String(timestamp.prefix(8))),
            SHA256.hash(Array(canonicalRequest.utf8)).hexString,
        ].joined(separator: "\n")
    }

    /// HMAC-SHA256 chain `"aliyun_v4" + secret` → day → region → service → `"aliyun_v4_request"`.
    public func signingKey(day: String) -> [UInt8] {
        var key = HMAC.sha256(key: Array(("aliyun_v4" + credentials.accessKeySecret).utf8), message: day)
        key = HMAC.sha256(key: key, message: region)
        key = HMAC.sha256(key: key, message: service)
        return HMAC.sha256(key: key, message: "aliyun_v4_request")
    }

    public func signature(stringToSign: String, day: String) -> String {
        HMAC.sha256(key: signingKey(day: day), message: stringToSign).hexString
    }

    /// `OSS4-HMAC-SHA256 Credential=<id>/<scope>[,AdditionalHeaders=a;b],Signature=<hex>`.
    public func authorizationValue(signature: String, day: String, additionalHeaders: [String] = []) -> String {
        var value = "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope(day: day))"
        if !additionalHeaders.isEmpty { value += ",AdditionalHeaders=" + Self.additionalHeadersList(additionalHeaders) }
        return value + ",Signature=" + signature
    }

    /// The full computation for a request that already carries `x-oss-date` (client or server side).
    public func authorization(
        for request: SignableRequest,
        additionalHeaders: [String] = []
    ) throws(SigningError) -> V4Computation {
        guard let timestamp = request.header("x-oss-date") else { throw .missingHeader("x-oss-date") }
        guard SigningTime(iso8601Basic: timestamp) != nil else { throw .malformedDate(timestamp) }
        let canonical = Self.canonicalRequest(request, additionalHeaders: additionalHeaders)
        let toSign = stringToSign(canonicalRequest: canonical, timestamp: timestamp)
        let day = String(timestamp.prefix(8))
        let signature = signature(stringToSign: toSign, day: day)
        return V4Computation(
            canonicalRequest: canonical,
            stringToSign: toSign,
            signature: signature,
            authorization: authorizationValue(signature: signature, day: day, additionalHeaders: additionalHeaders)
        )
    }

    /// Client side: sets `x-oss-date`, `Date`, `x-oss-content-sha256`, the STS token, then `Authorization`.
    public func sign(_ request: inout SignableRequest, at time: SigningTime) {
        request.setHeader("x-oss-date", time.iso8601Basic)
        request.setHeader("Date", time.rfc1123)
        request.setHeader("x-oss-content-sha256", Self.unsignedPayload)
        if let token = credentials.securityToken { request.setHeader("x-oss-security-token", token) }
        // Cannot throw: the date was just set in the expected form.
        let computed = try! authorization(for: request)
        request.setHeader("Authorization", computed.authorization)
    }
}

/// Spaces and tabs trimmed at both ends (header values are signed trimmed).
func trimmed(_ value: String) -> String {
    var scalars = Substring(value)
    while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
    while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
    return String(scalars)
}
