/// Credentials could not be obtained (a source failed, or temporary ones expired and could not be renewed).
/// The message names the source and the reason, never a secret or a token.
public struct CredentialsUnavailable: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The service said no for good (a role that does not exist, a token STS refuses): asking again in a
    /// moment would get the same answer.
    public var isPermanent: Bool
    public init(_ message: String, permanent: Bool = false) {
        self.message = message
        isPermanent = permanent
    }
    public var description: String { message }
}
