import Digests
import Foundation
import OSSProtocol

/// Checks a request's `Authorization` against the configured access keys, recomputing the signature with
/// OSSProtocol's `SignerV4`/`SignerV1`, the client's own (one implementation of signing in the codebase).
struct SignatureVerifier: Sendable {
    let accessKeys: [String: String]
    let region: String
    let temporary: TemporaryCredentialsRegistry

    /// Throws `AccessDenied`/`InvalidAccessKeyId`/`SignatureDoesNotMatch` (403) when the request is not
    /// signed by a configured key or registered temporary credentials (`InvalidSecurityToken`,
    /// `SecurityTokenExpired` at `now`). With neither, every request is accepted. With an access key, an
    /// `x-oss-security-token` is accepted as sent (it is signed like any `x-oss-` header).
    func verify(_ request: OSSRequest, now: Date) throws(OSSRequestError) {
        guard !accessKeys.isEmpty || !temporary.isEmpty else { return }
        guard let authorization = request.header("authorization") else {
            throw OSSRequestError(
                403,
                .accessDenied,
                "You have no right to access this object because of bucket acl.",
                ec: "0003-00000001"
            )
        }
        let signable = SignableRequest(
            method: request.method,
            bucket: request.bucket,
            key: request.key,
            query: request.queryItems.map { .init($0.name, $0.value) },
            headers: request.headers.map { (name: $0.name, value: $0.value) }
        )
        do {
            if authorization.hasPrefix(SignerV4.algorithm + " ") {
                let parsed = try SignerV4.parseAuthorization(authorization)
                try verifyV4(
                    signable,
                    authorization: parsed,
                    credentials: try credentials(parsed.accessKeyID, request, now: now)
                )
            } else if authorization.hasPrefix("OSS ") {
                let (id, signature) = try SignerV1.parseAuthorization(authorization)
                let computed = SignerV1(credentials: try credentials(id, request, now: now))
                    .authorization(for: signable)
                guard Self.equal(computed.signature, signature) else { throw Self.mismatch(computed.stringToSign) }
            } else {
                throw OSSRequestError.invalidArgument("Authorization header is invalid.")
            }
        } catch let e as OSSRequestError {
            throw e
        } catch {
            throw OSSRequestError.invalidArgument("Authorization header is invalid: \(error)")
        }
    }

    private func verifyV4(
        _ request: SignableRequest,
        authorization: V4Authorization,
        credentials: Credentials
    ) throws {
        let signer = SignerV4(credentials: credentials, region: region)
        guard authorization.region == region, authorization.service == "oss" else {
            throw OSSRequestError(
                400,
                .invalidArgument,
                "Invalid signing region in Authorization header.",
                ec: "0002-00000225"
            )
        }
        let computed = try signer.authorization(for: request, additionalHeaders: authorization.additionalHeaders)
        guard
            computed.stringToSign.split(separator: "\n").dropFirst(2).first
                == Substring(signer.scope(day: authorization.day)),
            Self.equal(computed.signature, authorization.signature)
        else {
            throw Self.mismatch(computed.stringToSign, canonicalRequest: computed.canonicalRequest)
        }
    }

    private func credentials(_ id: String, _ request: OSSRequest, now: Date) throws(OSSRequestError) -> Credentials {
        if accessKeys[id] == nil, let temporary = temporary.entry(id) {
            guard let token = request.header("x-oss-security-token"), token == temporary.securityToken else {
                throw OSSRequestError(403, .invalidSecurityToken, "The security token you provided is invalid.")
            }
            guard now < temporary.expiration else {
                throw OSSRequestError(403, .securityTokenExpired, "The security token you provided has expired.")
            }
            return Credentials(accessKeyID: id, accessKeySecret: temporary.secret, securityToken: token)
        }
        guard let secret = accessKeys[id] else {
            throw OSSRequestError(
                403,
                .invalidAccessKeyId,
                "The OSS Access Key Id you provided does not exist in our records.",
                ec: "0002-00000902",
                extra: [("OSSAccessKeyId", id)]
            )
        }
        return Credentials(accessKeyID: id, accessKeySecret: secret)
    }

    /// Like OSS, the string to sign goes back so a client author can compare, and for V4 the canonical request
    /// too (as S3 does: the V4 string to sign is only its hash). Neither holds the secret, but both can hold
    /// the STS token: V1 signs every `x-oss-` header into the string itself, V4 into the canonical request.
    /// Clients must not keep or print them (OSSKit drops them when it parses the error).
    static func mismatch(_ stringToSign: String, canonicalRequest: String? = nil) -> OSSRequestError {
        OSSRequestError(
            403,
            .signatureDoesNotMatch,
            "The request signature we calculated does not match the signature you provided.",
            ec: "0002-00000040",
            extra: [("StringToSign", stringToSign)] + (canonicalRequest.map { [("CanonicalRequest", $0)] } ?? [])
        )
    }

    /// Constant-time comparison so the check does not leak how much of a signature matched.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
