import Foundation

extension OSSServiceError {
    /// Builds the error from an error response: the error XML when there is one (a HEAD answer has no body;
    /// OSS then sends the document base64-encoded in `x-oss-err`), the `x-oss-request-id` / `x-oss-ec` headers
    /// otherwise. Unknown elements go into `details`, except the echoed signing material
    /// (`echoedSigningElements`), which is dropped.
    public init(response: HTTPResponse) {
        let requestIDHeader = response.header("x-oss-request-id") ?? ""
        var code = Self.fallbackCode(status: response.status)
        var message = ""
        var requestID = requestIDHeader
        var hostID: String?
        var ec = response.header("x-oss-ec")
        var details: [String: String] = [:]
        var document = response.body
        if document.isEmpty, let encoded = response.header("x-oss-err"),
            let decoded = Data(base64Encoded: encoded)
        {
            document = Array(decoded)
        }
        if let root = XMLNode.parse(document), root.name == "Error" {
            for element in root.children {
                switch element.name {
                case "Code": code = OSSErrorCode(rawValue: element.text)
                case "Message": message = element.text
                case "RequestId": if !element.text.isEmpty { requestID = element.text }
                case "HostId": hostID = element.text
                case "EC": ec = element.text
                case let name where Self.echoedSigningElements.contains(name): continue
                default: details[element.name] = element.text
                }
            }
        } else if !response.body.isEmpty {
            details["body"] = String(decoding: response.body.prefix(4096), as: UTF8.self)
        }
        if message.isEmpty {
            message = "HTTP \(response.status) without an error message"
            // Not OSS's XML: what answered (a proxy's or a load balancer's page) says who, in its first words.
            if let body = details["body"], let excerpt = Self.excerpt(of: body) {
                message += " (not an OSS answer; it begins: \(excerpt))"
            }
        }
        self.init(
            httpStatus: response.status,
            code: code,
            message: message,
            requestID: requestID,
            hostID: hostID,
            ec: ec,
            details: details
        )
    }

    /// Elements of a `SignatureDoesNotMatch` answer that echo what the server signed. They can carry the STS
    /// token (V1 signs every `x-oss-` header into the string to sign, V4 into the canonical request; the
    /// `…Bytes` forms are the same in hex), so they are dropped here, before any log line or report can see them.
    static let echoedSigningElements: Set<String> = [
        "StringToSign", "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes",
    ]

    /// The first words of a body that is not OSS's error document, for a message: at most 160 characters, each
    /// run of white space or control characters one space (nothing of it can break a log line), quoted; nil
    /// when nothing is left.
    static func excerpt(of body: String) -> String? {
        var out = ""
        var space = false
        for scalar in body.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                space = !out.isEmpty
                continue
            }
            if space { out.unicodeScalars.append(" ") }
            space = false
            out.unicodeScalars.append(scalar)
            if out.unicodeScalars.count >= 160 {
                out += "…"
                break
            }
        }
        return out.isEmpty ? nil : "'\(out)'"
    }

    /// What an error without an error document (HEAD, a callback receiver's reply) most likely was.
    static func fallbackCode(status: Int) -> OSSErrorCode {
        switch status {
        case 203: return .callbackFailed
        case 400: return .badRequest
        case 403: return .accessDenied
        case 404: return .notFound
        case 409: return .conflict
        case 412: return .preconditionFailed
        case 429: return .tooManyRequests
        case 500: return .internalError
        case 503: return .serviceUnavailable
        default: return .unknown("HTTP\(status)")
        }
    }
}
