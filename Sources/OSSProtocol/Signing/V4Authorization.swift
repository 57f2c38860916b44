/// A V4 `Authorization` header taken apart, for a server that verifies requests.
public struct V4Authorization: Sendable, Hashable {
    public var accessKeyID: String
    /// `YYYYMMDD` from the credential scope.
    public var day: String
    public var region: String
    public var service: String
    /// Lower-case header names from `AdditionalHeaders` (empty when absent).
    public var additionalHeaders: [String]
    /// Lower-case hex.
    public var signature: String
}
