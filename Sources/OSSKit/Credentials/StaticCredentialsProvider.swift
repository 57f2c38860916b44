import OSSProtocol

/// One fixed set of credentials (an AccessKey, or an STS token nobody renews).
public struct StaticCredentialsProvider: CredentialsProvider {
    let value: Credentials

    public init(_ credentials: Credentials) { value = credentials }

    public func credentials() async throws(CredentialsUnavailable) -> Credentials { value }

    public func credentials(replacing rejected: Credentials) async throws(CredentialsUnavailable) -> Credentials? {
        nil
    }

    public var description: String { "StaticCredentialsProvider(\(value))" }
}
