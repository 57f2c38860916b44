import Foundation
import OSSProtocol

/// Credentials as a source hands them out: with the time they expire (STS tokens), or `nil` for credentials
/// that do not (an AccessKey, or a token whose expiry the source does not say).
public struct TemporaryCredentials: Sendable, Hashable {
    public var credentials: Credentials
    public var expiration: Date?
    /// The source's own time when it answered (its `Date` header), which `expiration` is on: the lifetime left
    /// is `expiration` minus this, not minus this machine's clock, which may be hours off. `nil`: this
    /// machine's clock at the fetch.
    public var answeredAt: Date?

    public init(_ credentials: Credentials, expiration: Date?, answeredAt: Date? = nil) {
        self.credentials = credentials
        self.expiration = expiration
        self.answeredAt = answeredAt
    }
}
