extension OSSServiceError {
    /// Builds the error from an error response: the error XML when there is one (HEAD answers have no body),
    /// the `x-oss-request-id` / `x-oss-ec` headers otherwise. Unknown elements go into `details`.
    public init(response: HTTPResponse) {
        let requestIDHeader = response.header("x-oss-request-id") ?? ""
        var code = Self.fallbackCode(status: response.status)
        var message = ""
        var requestID = requestIDHeader
        var hostID: String?
        var ec = response.header("x-oss-ec")
        var details: [String: String] = [:]
        if let root = XMLNode.parse(response.body), root.name == "Error" {
            for element in root.children {
                switch element.name {
                case "Code": code = element.text
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

    /// What a body-less error (HEAD) most likely was.
    static func fallbackCode(status: Int) -> String {
        switch status {
        case 400: return "BadRequest"
        case 403: return "AccessDenied"
        case 404: return "NotFound"
        case 409: return "Conflict"
        case 412: return "PreconditionFailed"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        default: return "HTTP\(status)"
        }
    }
}
