import Foundation

extension OSSServiceError {
    /// Builds the error from an error response: the error XML when there is one (a HEAD answer has no body;
    /// OSS then sends the document base64-encoded in `x-oss-err`), the `x-oss-request-id` / `x-oss-ec` headers
    /// otherwise. Unknown elements go into `details`.
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
                default: details[element.name] = element.text
                }
            }
        } else if !response.body.isEmpty {
            details["body"] = String(decoding: response.body.prefix(4096), as: UTF8.self)
        }
        if message.isEmpty { message = "HTTP \(response.status) without an error message" }
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
