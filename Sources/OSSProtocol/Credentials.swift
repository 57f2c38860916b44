/// An AccessKey pair, optionally with an STS security token. The secret and the token never appear in
/// `description`, so a `Credentials` can be logged or interpolated without leaking them.
public struct Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var accessKeyID: String
    public var accessKeySecret: String
    /// STS token, sent as `x-oss-security-token`.
    public var securityToken: String?

    public init(accessKeyID: String, accessKeySecret: String, securityToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
        self.securityToken = securityToken
    }

    public var description: String {
        "Credentials(accessKeyID: \(accessKeyID), secret: <redacted>\(securityToken == nil ? "" : ", token: <redacted>"))"
    }

    public var debugDescription: String { description }
}
