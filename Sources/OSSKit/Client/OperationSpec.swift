import OSSProtocol

/// One OSS request before signing: what the retry loop re-signs and re-sends on every attempt.
struct OperationSpec: Sendable {
    /// `PutObject`, `UploadPart`, … (for retry events and messages).
    var name: String
    var method: String
    var bucket: String?
    var key: String?
    var query: [SignableRequest.QueryItem] = []
    var headers: [(name: String, value: String)] = []
    var body: HTTPRequestBody = .none
    /// HEAD answers 404 with no body: the caller wants to see it rather than an error.
    var acceptsNotFound = false

    func accepts(_ status: Int) -> Bool {
        if status == 404 && acceptsNotFound { return true }
        // 203 is a 2xx but means CallbackFailed: the object is stored, the call still failed.
        return (200..<300).contains(status) && status != 203
    }
}
