import Foundation
import OSSProtocol

/// Credentials as a source hands them out: with the time they expire (STS tokens), or `nil` for credentials
/// that do not (an AccessKey, or a token whose expiry the source does not say).
public struct TemporaryCredentials: Sendable, Hashable {
    public var credentials: Credentials
    public var expiration: Date?

    public init(_ credentials: Credentials, expiration: Date?) {
        self.credentials = credentials
        self.expiration = expiration
    }
}
