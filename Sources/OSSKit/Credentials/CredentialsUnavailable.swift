/// Credentials could not be obtained (a source failed, or temporary ones expired and could not be renewed).
/// The message names the source and the reason, never a secret or a token.
public struct CredentialsUnavailable: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
