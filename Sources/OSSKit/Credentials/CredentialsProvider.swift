import OSSProtocol

/// Where an `OSSClient` gets the credentials it signs each request with. Asked once per request, so an
/// implementation answers from a cache when it can; `RefreshingCredentialsProvider` renews temporary
/// credentials before they expire.
public protocol CredentialsProvider: Sendable, CustomStringConvertible {
    /// The credentials to sign a request with now. Throws `CredentialsUnavailable` when there are none.
    func credentials() async throws(CredentialsUnavailable) -> Credentials

    /// OSS refused `rejected` (`SecurityTokenExpired`, `InvalidSecurityToken`): credentials to retry with, or
    /// `nil` when there are no others (the refusal stands).
    func credentials(replacing rejected: Credentials) async throws(CredentialsUnavailable) -> Credentials?
}

/// Credentials could not be obtained (a source failed, or temporary ones expired and could not be renewed).
/// The message names the source and the reason, never a secret or a token.
public struct CredentialsUnavailable: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

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
