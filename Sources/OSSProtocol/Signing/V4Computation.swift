/// Every intermediate of one V4 signature.
public struct V4Computation: Sendable, Hashable {
    public var canonicalRequest: String
    public var stringToSign: String
    public var signature: String
    /// The `Authorization` header value.
    public var authorization: String
}
