import Foundation

/// The decoded `x-oss-callback` / `x-oss-callback-var` headers and the body they produce.
struct CallbackTemplate: Sendable {
    var url: String
    var host: String?
    var body: String
    var bodyType: String
    var variables: [String: String]

    /// Decodes the base64 JSON headers; a malformed header is 400 InvalidArgument, as on OSS.
    init(callbackHeader: String, variablesHeader: String?) throws(OSSRequestError) {
        guard let json = CallbackTemplate.decode(callbackHeader),
            let url = json["callbackUrl"] as? String, let body = json["callbackBody"] as? String
        else {
            throw OSSRequestError(
                400,
                .invalidArgument,
                "The callback configuration is not json format.",
                ec: "0048-00000002"
            )
        }
        self.url = url
        self.body = body
        host = json["callbackHost"] as? String
        bodyType = (json["callbackBodyType"] as? String) ?? "application/x-www-form-urlencoded"
        var vars: [String: String] = [:]
        if let variablesHeader {
            guard let v = CallbackTemplate.decode(variablesHeader) else {
                throw OSSRequestError(
                    400,
                    .invalidArgument,
                    "The callback var is not json format.",
                    ec: "0048-00000003"
                )
            }
            for (name, value) in v { vars[name] = "\(value)" }
        }
        variables = vars
    }

    private static func decode(_ base64: String) -> [String: Any]? {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespaces)) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// The body with `${bucket}`, `${object}`, `${etag}`, `${size}`, `${mimeType}`, `${crc64}`, `${x:…}` filled in.
    func render(bucket: String, object: StoredObject) -> String {
        var values: [String: String] = [
            "bucket": bucket, "object": object.key, "etag": object.etag.trimmingCharacters(in: ["\""]),
            "size": "\(object.size)", "mimeType": object.headers["content-type"] ?? "", "crc64": "\(object.crc64)",
        ]
        for (name, value) in variables { values[name] = value }
        var out = ""
        var rest = body[...]
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let name = String(rest[open.upperBound..<close])
            out += values[name] ?? ""
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
