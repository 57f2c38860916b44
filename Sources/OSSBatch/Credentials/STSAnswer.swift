import Foundation
import OSSKit
import OSSProtocol

/// The credentials fields STS and the metadata service both answer with, and the `Date` of the answer.
enum STSAnswer {
    static func credentials(
        id: String?,
        secret: String?,
        token: String?,
        expiration: String?,
        answeredAt date: String?,
        source: String
    ) throws(CredentialsUnavailable) -> TemporaryCredentials {
        guard let id, !id.isEmpty, let secret, !secret.isEmpty, let token, !token.isEmpty else {
            throw CredentialsUnavailable("\(source): the answer lacks AccessKeyId, AccessKeySecret or SecurityToken")
        }
        guard let text = expiration, let expires = Timestamp.parse(text) else {
            throw CredentialsUnavailable("\(source): the answer has no readable Expiration")
        }
        return TemporaryCredentials(
            Credentials(accessKeyID: id, accessKeySecret: secret, securityToken: token),
            expiration: expires,
            answeredAt: date.flatMap { SigningTime(serverDate: $0) }.map {
                Date(timeIntervalSince1970: TimeInterval($0.epochSeconds))
            }
        )
    }
}
