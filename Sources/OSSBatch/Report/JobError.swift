/// An error as the report records it: enough to act on without the logs.
package struct JobError: Sendable, Codable, Hashable, Error, CustomStringConvertible {
    /// The OSS error code (`AccessDenied`, `NoSuchUpload`, …) or one of ossbatch's own
    /// (`SourceChanged`, `SourceUnreadable`, `IntegrityError`, `TransportError`, `CheckpointError`, …).
    package var code: String
    package var message: String
    package var httpStatus: Int?
    package var requestID: String?
    package var ec: String?

    package init(code: String, message: String, httpStatus: Int? = nil, requestID: String? = nil, ec: String? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.requestID = requestID
        self.ec = ec
    }

    private enum CodingKeys: String, CodingKey {
        case code, message
        case httpStatus = "http_status"
        case requestID = "request_id"
        case ec
    }

    package var description: String {
        var s = "\(code): \(message)"
        if let httpStatus { s += " (HTTP \(httpStatus))" }
        if let requestID, !requestID.isEmpty { s += " [request id \(requestID)]" }
        if let ec { s += " [EC \(ec)]" }
        return s
    }
}
