import Digests
import Foundation

extension SignatureVerifier {
    /// `OSS <id>:<base64(HMAC-SHA1(secret, StringToSign))>`
    func verifyV1(_ request: OSSRequest, authorization: String) throws(OSSRequestError) {
        let credential = authorization.dropFirst("OSS ".count)
        guard let colon = credential.lastIndex(of: ":") else {
            throw OSSRequestError.invalidArgument("Authorization header is invalid.")
        }
        let secret = try secret(for: String(credential[..<colon]).trimmingCharacters(in: .whitespaces))
        let stringToSign = SignatureVerifier.stringToSignV1(request)
        let expected = HMAC.sha1(key: Array(secret.utf8), message: stringToSign).base64String
        guard SignatureVerifier.equal(expected, String(credential[credential.index(after: colon)...])) else {
            throw SignatureVerifier.mismatch(stringToSign)
        }
    }

    /// The sub-resources V1 signs (the SDKs' fixed list, restricted to what an uploader can send).
    static let signedSubresources: Set<String> = [
        "acl", "uploads", "uploadId", "partNumber", "security-token", "continuation-token", "callback", "callback-var",
        "tagging", "objectMeta", "append", "position", "versionId", "versions", "versioning", "symlink", "restore",
        "response-content-type", "response-content-language", "response-expires", "response-cache-control",
        "response-content-disposition", "response-content-encoding", "x-oss-process", "sequential",
    ]

    static func stringToSignV1(_ request: OSSRequest) -> String {
        var ossHeaders: [String: String] = [:]
        for (name, value) in request.headers where name.lowercased().hasPrefix("x-oss-") {
            ossHeaders[name.lowercased()] = value.trimmingCharacters(in: .whitespaces)
        }
        var resource = "/"
        if let bucket = request.bucket { resource += bucket + "/" + (request.key ?? "") }
        let subresources = request.queryItems.filter { signedSubresources.contains($0.name) }
            .sorted { $0.name < $1.name }
            .map { $0.value.isEmpty ? $0.name : "\($0.name)=\($0.value)" }
        if !subresources.isEmpty { resource += "?" + subresources.joined(separator: "&") }
        return [request.method, request.header("content-md5") ?? "", request.header("content-type") ?? "",
                request.header("date") ?? ""].joined(separator: "\n") + "\n"
            + ossHeaders.keys.sorted().map { "\($0):\(ossHeaders[$0]!)\n" }.joined() + resource
    }
}
