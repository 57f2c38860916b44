/// Credentials could not be found or read. Messages name the place to fix, never a secret.
package struct CredentialsError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { message }

    package init(message: String) { self.message = message }
}
