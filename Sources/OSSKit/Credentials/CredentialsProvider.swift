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
