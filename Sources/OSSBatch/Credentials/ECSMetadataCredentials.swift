import Foundation
import OSSKit
import OSSProtocol

/// STS credentials of the ECS instance's RAM role, from the instance metadata service
/// (`http://100.100.100.200`, or `OSSBATCH_ECS_METADATA_ENDPOINT`), as the Alibaba Cloud SDKs get them:
///
/// 1. IMDSv2 first: `PUT /latest/api/token` with `X-aliyun-ecs-metadata-token-ttl-seconds` gives a token sent
///    as `X-aliyun-ecs-metadata-token` with the next requests; when that fails, plain (v1) requests, unless
///    `ALIBABA_CLOUD_IMDSV1_DISABLED=true`.
/// 2. The role: `roleName`, or discovered from `GET /latest/meta-data/ram/security-credentials/`.
/// 3. `GET /latest/meta-data/ram/security-credentials/<role>`: JSON with `Code: Success`, `AccessKeyId`,
///    `AccessKeySecret`, `SecurityToken`, `Expiration`.
///
/// The answers hold secrets: no message repeats them (only statuses and `Code`).
package struct ECSMetadataCredentials: Sendable, Hashable {
    static let defaultEndpoint = "http://100.100.100.200"
    static let credentialsPath = "/latest/meta-data/ram/security-credentials/"
    static let tokenTTLSeconds = 21_600
    /// Per request; the metadata service answers in milliseconds when it is there at all.
    static let timeout = 2.0

    /// The metadata service's base URL.
    package let endpoint: String
    /// The role; `nil`: discovered from the metadata service.
    package let roleName: String?
    /// IMDSv2 only: no plain (v1) requests when the session token cannot be had.
    package let imdsV1Disabled: Bool

    /// `roleName` (the manifest's or the aliyun CLI profile's), else `ALIBABA_CLOUD_ECS_METADATA`, else discovered.
    init(environment: [String: String], roleName: String?) {
        endpoint = environment.nonEmpty(CredentialsVariables.ecsMetadataEndpoint) ?? Self.defaultEndpoint
        self.roleName = roleName ?? environment.nonEmpty(CredentialsVariables.ecsRoleName)
        imdsV1Disabled = CredentialsVariables.imdsV1Disabled.contains { environment.isTrue($0) }
    }

    /// How the source is named in messages.
    package var name: String {
        "the ECS RAM role" + (roleName.map { " '\($0)'" } ?? "")
            + " (metadata service \(SecretRedaction.hidingUserInfo(endpoint)))"
    }

    func fetch(over transport: any HTTPTransport) async throws(CredentialsUnavailable) -> TemporaryCredentials {
        let headers = try await sessionHeaders(transport)
        let role: String
        if let roleName {
            role = roleName
        } else {
            let listed = try await get(Self.credentialsPath, headers: headers, what: "the role name", transport)
            role =
                String(decoding: listed.body, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)?
                .trimmingCharacters(in: .whitespaces) ?? ""
            guard !role.isEmpty else {
                throw CredentialsUnavailable("\(name): this instance has no RAM role attached", permanent: true)
            }
        }
        let answer = try await get(
            Self.credentialsPath + PercentEncoding.encode(role),
            headers: headers,
            what: "the credentials of role '\(role)'",
            transport
        )
        return try Self.parse(answer, source: name)
    }

    /// IMDSv2's session token header, or none (v1) when the token cannot be had and v1 is allowed.
    private func sessionHeaders(
        _ transport: any HTTPTransport
    ) async throws(CredentialsUnavailable) -> [(name: String, value: String)] {
        let request = HTTPRequest(
            method: "PUT",
            url: endpoint + "/latest/api/token",
            headers: [("X-aliyun-ecs-metadata-token-ttl-seconds", String(Self.tokenTTLSeconds))],
            bypassesProxy: true
        )
        let failure: String
        do {
            let response = try await transport.send(request, timeout: Self.timeout)
            if response.status == 200, !response.body.isEmpty {
                return [("X-aliyun-ecs-metadata-token", String(decoding: response.body, as: UTF8.self))]
            }
            failure = "HTTP \(response.status)"
        } catch {
            // No answer at all: a plain request would get none either (not an ECS instance, or no route).
            throw CredentialsUnavailable("\(name): no answer: \(error)")
        }
        if imdsV1Disabled {
            throw CredentialsUnavailable(
                "\(name): no IMDSv2 session token (\(failure)), and ALIBABA_CLOUD_IMDSV1_DISABLED forbids plain requests"
            )
        }
        return []
    }

    private func get(
        _ path: String,
        headers: [(name: String, value: String)],
        what: String,
        _ transport: any HTTPTransport
    ) async throws(CredentialsUnavailable) -> HTTPResponse {
        let response: HTTPResponse
        do {
            response = try await transport.send(
                HTTPRequest(method: "GET", url: endpoint + path, headers: headers, bypassesProxy: true),
                timeout: Self.timeout
            )
        } catch {
            throw CredentialsUnavailable("\(name): cannot get \(what): \(error)")
        }
        guard response.status == 200 else {
            // 404: no such role on this instance, for good.
            throw CredentialsUnavailable(
                "\(name): cannot get \(what): HTTP \(response.status)",
                permanent: response.status == 404
            )
        }
        return response
    }

    /// The metadata service's credentials document.
    static func parse(_ response: HTTPResponse, source: String) throws(CredentialsUnavailable) -> TemporaryCredentials {
        struct Document: Decodable {
            var code: String?
            var accessKeyID: String?
            var accessKeySecret: String?
            var securityToken: String?
            var expiration: String?
            enum CodingKeys: String, CodingKey {
                case code = "Code"
                case accessKeyID = "AccessKeyId"
                case accessKeySecret = "AccessKeySecret"
                case securityToken = "SecurityToken"
                case expiration = "Expiration"
            }
        }
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(response.body)) else {
            throw CredentialsUnavailable("\(source): the credentials answer is not the expected JSON")
        }
        guard document.code == nil || document.code == "Success" else {
            // The answer may carry credentials beside a failure code; a code that quotes one shows without it.
            let code = SecretRedaction.redacting(
                document.code ?? "",
                [document.accessKeySecret ?? "", document.securityToken ?? ""]
            ).prefix(100)
            throw CredentialsUnavailable("\(source): the metadata service answered Code \(code)")
        }
        return try STSAnswer.credentials(
            id: document.accessKeyID,
            secret: document.accessKeySecret,
            token: document.securityToken,
            expiration: document.expiration,
            answeredAt: response.header("Date"),
            source: source
        )
    }
}
