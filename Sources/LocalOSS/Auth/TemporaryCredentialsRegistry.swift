import Foundation
import NIOConcurrencyHelpers

/// STS credentials LocalOSS accepts besides its access keys, each only with its security token and only until
/// it expires: what a fake STS or ECS metadata service in a test issues (in process through `register`, or
/// `POST /__localoss/sts-credentials`). A request signed with a registered AccessKey id whose
/// `x-oss-security-token` is another one is 403 `InvalidSecurityToken`; after the expiry, 403
/// `SecurityTokenExpired`.
public final class TemporaryCredentialsRegistry: Sendable {
    struct Entry: Sendable {
        var secret: String
        var securityToken: String
        var expiration: Date
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    public init() {}

    /// Accepts `accessKeyID`/`secret` with `securityToken` until `expiration` (server clock).
    public func register(accessKeyID: String, secret: String, securityToken: String, expiration: Date) {
        entries.withLockedValue {
            $0[accessKeyID] = Entry(secret: secret, securityToken: securityToken, expiration: expiration)
        }
    }

    /// Forgets the credentials whose token is `securityToken` (a revoked token is then `InvalidAccessKeyId`).
    public func revoke(securityToken: String) {
        entries.withLockedValue { $0 = $0.filter { $0.value.securityToken != securityToken } }
    }

    public func removeAll() { entries.withLockedValue { $0.removeAll() } }

    var isEmpty: Bool { entries.withLockedValue { $0.isEmpty } }

    func entry(_ accessKeyID: String) -> Entry? { entries.withLockedValue { $0[accessKeyID] } }
}
