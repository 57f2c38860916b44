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

    /// Why these cannot sign a request, or nil: a control character in a part — the line break a credentials
    /// or environment file with CRLF line endings leaves (`OSS_ACCESS_KEY_ID=$'AKID\r'`). In a header it made
    /// every request unsendable, and in the secret every signature wrong. Names the part, never its value.
    public var problem: String? {
        func broken(_ text: String) -> Bool { text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }
        let part: String
        if broken(accessKeyID) {
            part = "the AccessKey ID"
        } else if broken(accessKeySecret) {
            part = "the AccessKey secret"
        } else if let securityToken, broken(securityToken) {
            part = "the security token"
        } else {
            return nil
        }
        return "\(part) holds a line break or another control character "
            + "(written in a file with CRLF line endings, or with a trailing newline?)"
    }

    public var description: String {
        "Credentials(accessKeyID: \(accessKeyID), secret: <redacted>\(securityToken == nil ? "" : ", token: <redacted>"))"
    }

    public var debugDescription: String { description }
}
