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
