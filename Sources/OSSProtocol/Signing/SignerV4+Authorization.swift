extension SignerV4 {
    /// Parses `OSS4-HMAC-SHA256 Credential=<id>/<day>/<region>/oss/aliyun_v4_request[,AdditionalHeaders=a;b],Signature=<hex>`,
    /// accepting `,` with or without spaces after it (the v2 SDK writes none, oss2 one).
    public static func parseAuthorization(_ value: String) throws(SigningError) -> V4Authorization {
        let prefix = algorithm + " "
        guard value.hasPrefix(prefix) else { throw .malformedAuthorization("not \(algorithm)") }
        var fields: [String: String] = [:]
        for part in value.dropFirst(prefix.count).split(separator: ",") {
            let field = trimmed(String(part))
            guard let eq = field.firstIndex(of: "=") else { throw .malformedAuthorization("field without '='") }
            fields[String(field[..<eq])] = String(field[field.index(after: eq)...])
        }
        guard let credential = fields["Credential"] else { throw .malformedAuthorization("no Credential") }
        guard let signature = fields["Signature"], !signature.isEmpty else {
            throw .malformedAuthorization("no Signature")
        }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[4] == "aliyun_v4_request", !scope[0].isEmpty else {
            throw .malformedAuthorization("Credential is not <id>/<day>/<region>/<service>/aliyun_v4_request")
        }
        let additional =
            fields["AdditionalHeaders"].map {
                $0.split(separator: ";").map { String($0).lowercased() }
            } ?? []
        return V4Authorization(
            accessKeyID: scope[0],
            day: scope[1],
            region: scope[2],
            service: scope[3],
            additionalHeaders: additional,
            signature: signature.lowercased()
        )
    }
}
