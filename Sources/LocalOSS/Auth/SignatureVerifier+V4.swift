import Digests

extension SignatureVerifier {
    /// `OSS4-HMAC-SHA256 Credential=<id>/<date>/<region>/oss/aliyun_v4_request[,AdditionalHeaders=a;b],Signature=<hex>`
    func verifyV4(_ request: OSSRequest, authorization: String) throws(OSSRequestError) {
        var fields: [String: String] = [:]
        for part in authorization.dropFirst("OSS4-HMAC-SHA256 ".count).split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let eq = trimmed.firstIndex(of: "=") else { continue }
            fields[String(trimmed[..<eq])] = String(trimmed[trimmed.index(after: eq)...])
        }
        guard let credential = fields["Credential"], let signature = fields["Signature"] else {
            throw OSSRequestError.invalidArgument("Authorization header is invalid.")
        }
        let scopeParts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scopeParts.count == 5, scopeParts[3] == "oss", scopeParts[4] == "aliyun_v4_request" else {
            throw OSSRequestError.invalidArgument("Invalid credential in Authorization header.")
        }
        let secret = try secret(for: scopeParts[0])
        guard scopeParts[2] == region else {
            throw OSSRequestError(400, "InvalidArgument", "Invalid signing region in Authorization header.", ec: "0002-00000225")
        }
        let additional = (fields["AdditionalHeaders"] ?? "").split(separator: ";").map { $0.lowercased() }.sorted()
        let canonical = SignatureVerifier.canonicalRequestV4(request, additionalHeaders: additional)
        let date = request.header("x-oss-date") ?? ""
        let scope = scopeParts[1...4].joined(separator: "/")
        let stringToSign = "OSS4-HMAC-SHA256\n\(date)\n\(scope)\n\(SHA256.hash(Array(canonical.utf8)).hexString)"
        var key = HMAC.sha256(key: Array(("aliyun_v4" + secret).utf8), message: scopeParts[1])
        key = HMAC.sha256(key: key, message: scopeParts[2])
        key = HMAC.sha256(key: key, message: "oss")
        key = HMAC.sha256(key: key, message: "aliyun_v4_request")
        let expected = HMAC.sha256(key: key, message: stringToSign).hexString
        guard SignatureVerifier.equal(expected, signature) else { throw SignatureVerifier.mismatch(stringToSign) }
    }

    /// The V4 canonical request, rebuilt from the decoded request exactly as a client must have built it.
    static func canonicalRequestV4(_ request: OSSRequest, additionalHeaders: [String]) -> String {
        var uri = "/"
        if let bucket = request.bucket {
            uri += bucket + "/" + PercentEncoding.encode(request.key ?? "", keepSlash: true)
        }
        let query = request.queryItems
            .map { (PercentEncoding.encode($0.name, keepSlash: false), PercentEncoding.encode($0.value, keepSlash: false)) }
            .sorted { $0.0 < $1.0 }
            .map { $0.1.isEmpty ? $0.0 : "\($0.0)=\($0.1)" }
            .joined(separator: "&")
        var signed: [String: String] = [:]
        for (name, value) in request.headers {
            let lower = name.lowercased()
            if lower.hasPrefix("x-oss-") || lower == "content-type" || lower == "content-md5" || additionalHeaders.contains(lower) {
                signed[lower] = value.trimmingCharacters(in: .whitespaces)
            }
        }
        let headers = signed.keys.sorted().map { "\($0):\(signed[$0]!)\n" }.joined()
        let payload = request.header("x-oss-content-sha256") ?? "UNSIGNED-PAYLOAD"
        return [request.method, uri, query, headers, additionalHeaders.joined(separator: ";"), payload].joined(separator: "\n")
    }
}

import Foundation
