/// Credentials could not be found or read. Messages name the place to fix, never a secret.
public struct CredentialsError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
