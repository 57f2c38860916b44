import Digests

/// Checks a request's `Authorization` against the configured access keys (V4 or V1).
struct SignatureVerifier: Sendable {
    let accessKeys: [String: String]
    let region: String

    /// Throws `InvalidAccessKeyId`/`SignatureDoesNotMatch`/`AccessDenied` (403) when the request is not
    /// signed by a configured key. With no keys configured every request is accepted.
    func verify(_ request: OSSRequest) throws(OSSRequestError) {
        guard !accessKeys.isEmpty else { return }
        guard let authorization = request.header("authorization") else {
            throw OSSRequestError(403, "AccessDenied", "You have no right to access this object because of bucket acl.",
                                  ec: "0003-00000001")
        }
        if authorization.hasPrefix("OSS4-HMAC-SHA256 ") {
            try verifyV4(request, authorization: authorization)
        } else if authorization.hasPrefix("OSS ") {
            try verifyV1(request, authorization: authorization)
        } else {
            throw OSSRequestError.invalidArgument("Authorization header is invalid.")
        }
    }

    func secret(for id: String) throws(OSSRequestError) -> String {
        guard let secret = accessKeys[id] else {
            throw OSSRequestError(403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.",
                                  ec: "0002-00000902", extra: [("OSSAccessKeyId", id)])
        }
        return secret
    }

    static func mismatch(_ stringToSign: String) -> OSSRequestError {
        // Like OSS, the string to sign goes back so a client author can compare; it holds no secret.
        OSSRequestError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.",
                        ec: "0002-00000040", extra: [("StringToSign", stringToSign)])
    }

    /// Constant-time comparison so the check does not leak how much of a signature matched.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
