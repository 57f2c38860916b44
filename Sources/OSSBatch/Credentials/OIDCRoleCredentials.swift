import Foundation
import OSSKit
import OSSProtocol

/// RRSA (RAM Roles for Service Accounts, Kubernetes): the pod's OIDC token (`ALIBABA_CLOUD_OIDC_TOKEN_FILE`,
/// rotated by the kubelet, so read afresh every time) exchanged at STS for the role's credentials with
/// `AssumeRoleWithOIDC` (`RoleArn`, `OIDCProviderArn`, `OIDCToken`, `RoleSessionName`, `DurationSeconds`,
/// form-encoded in the POST body, so the token is in no URL). The call needs no signature: the OIDC token is
/// the proof.
///
/// STS endpoint: `OSSBATCH_STS_ENDPOINT` (a URL), else `sts[-vpc].<ALIBABA_CLOUD_STS_REGION>.aliyuncs.com`
/// (`-vpc` with `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`), else `sts.aliyuncs.com`, over https.
package struct OIDCRoleCredentials: Sendable, Hashable {
    package let roleARN: String
    package let providerARN: String
    /// Read at every renewal (the kubelet rotates it).
    package let tokenFile: String
    package let sessionName: String
    /// The STS base URL.
    package let endpoint: String
    package var durationSeconds = 3600
    static let timeout = 30.0

    /// The settings from the environment, or which variable is missing (`nil` and the name).
    static func from(environment: [String: String]) -> (settings: OIDCRoleCredentials?, missing: [String]) {
        let role = environment.nonEmpty(CredentialsVariables.roleARN)
        let provider = environment.nonEmpty(CredentialsVariables.oidcProviderARN)
        let file = environment.nonEmpty(CredentialsVariables.oidcTokenFile)
        let missing = [
            (CredentialsVariables.roleARN, role), (CredentialsVariables.oidcProviderARN, provider),
            (CredentialsVariables.oidcTokenFile, file),
        ].filter { $0.1 == nil }.map(\.0)
        guard let role, let provider, let file else { return (nil, missing) }
        let session =
            environment.nonEmpty(CredentialsVariables.roleSessionName)
            ?? "ossbatch-\(Int64(Date().timeIntervalSince1970 * 1000))"
        return (
            OIDCRoleCredentials(
                roleARN: role,
                providerARN: provider,
                tokenFile: file,
                sessionName: session,
                endpoint: stsEndpoint(environment)
            ),
            []
        )
    }

    static func stsEndpoint(_ environment: [String: String]) -> String {
        if let url = environment.nonEmpty(CredentialsVariables.stsEndpoint) {
            return url.contains("://") ? url : "https://" + url
        }
        guard let region = environment.nonEmpty(CredentialsVariables.stsRegion) else {
            return "https://sts.aliyuncs.com"
        }
        let prefix = environment.isTrue(CredentialsVariables.vpcEndpointEnabled) ? "sts-vpc" : "sts"
        return "https://\(prefix).\(region).aliyuncs.com"
    }

    package var name: String { "RRSA role \(roleARN) (STS \(SecretRedaction.hidingUserInfo(endpoint)))" }

    func fetch(over transport: any HTTPTransport) async throws(CredentialsUnavailable) -> TemporaryCredentials {
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw CredentialsUnavailable("\(name): cannot read the OIDC token file \(tokenFile)")
        }
        guard !token.isEmpty else { throw CredentialsUnavailable("\(name): the OIDC token file \(tokenFile) is empty") }
        let query = [
            ("Action", "AssumeRoleWithOIDC"), ("Format", "JSON"), ("Version", "2015-04-01"),
            ("Timestamp", Date().formatted(Date.ISO8601FormatStyle())),
        ]
        let form = [
            ("RoleArn", roleARN), ("OIDCProviderArn", providerARN), ("OIDCToken", token),
            ("RoleSessionName", sessionName), ("DurationSeconds", String(durationSeconds)),
        ]
        let request = HTTPRequest(
            method: "POST",
            url: endpoint + "/?" + Self.formEncoded(query),
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: .bytes(Array(Self.formEncoded(form).utf8))
        )
        let response: HTTPResponse
        do {
            response = try await transport.send(request, timeout: Self.timeout)
        } catch {
            throw CredentialsUnavailable("\(name): AssumeRoleWithOIDC got no answer: \(error)")
        }
        return try Self.parse(response, source: name, token: token)
    }

    static func formEncoded(_ pairs: [(String, String)]) -> String {
        pairs.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")
    }

    /// STS's answer: `{"Credentials": {...}}`, or an error document whose `Code`, `Message` and `RequestId` are
    /// kept, short, with the OIDC `token` sent taken out: STS's messages can quote it ("OIDC token … is
    /// invalid"), and a stand-in may echo the whole request.
    static func parse(
        _ response: HTTPResponse,
        source: String,
        token: String = ""
    ) throws(CredentialsUnavailable) -> TemporaryCredentials {
        struct Document: Decodable {
            struct Issued: Decodable {
                var accessKeyID: String?
                var accessKeySecret: String?
                var securityToken: String?
                var expiration: String?
                enum CodingKeys: String, CodingKey {
                    case accessKeyID = "AccessKeyId"
                    case accessKeySecret = "AccessKeySecret"
                    case securityToken = "SecurityToken"
                    case expiration = "Expiration"
                }
            }
            var credentials: Issued?
            var code: String?
            var message: String?
            var requestID: String?
            enum CodingKeys: String, CodingKey {
                case credentials = "Credentials"
                case code = "Code"
                case message = "Message"
                case requestID = "RequestId"
            }
        }
        let document = try? JSONDecoder().decode(Document.self, from: Data(response.body))
        guard response.status == 200, let issued = document?.credentials else {
            let said = { (text: String) in SecretRedaction.redacting(text, [token]) }
            let code = document?.code.map { " \(said($0).prefix(100))" } ?? ""
            let message = document?.message.map { ": \(said($0).prefix(300))" } ?? ""
            let rid = document?.requestID.map { " [request id \(said($0).prefix(100))]" } ?? ""
            // A refusal (4xx: a token or role STS does not accept) is for good; throttling and 5xx pass.
            let throttled = response.status == 429 || document?.code?.hasPrefix("Throttling") == true
            throw CredentialsUnavailable(
                "\(source): AssumeRoleWithOIDC answered HTTP \(response.status)\(code)\(message)\(rid)",
                permanent: (400..<500).contains(response.status) && !throttled
            )
        }
        return try STSAnswer.credentials(
            id: issued.accessKeyID,
            secret: issued.accessKeySecret,
            token: issued.securityToken,
            expiration: issued.expiration,
            answeredAt: response.header("Date"),
            source: source
        )
    }
}
