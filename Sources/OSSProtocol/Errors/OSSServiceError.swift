/// An error answer from OSS, parsed from the error XML (`<Error><Code/>…`) and headers.
public struct OSSServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    public var httpStatus: Int
    public var code: OSSErrorCode
    public var message: String
    public var requestID: String
    public var hostID: String?
    /// OSS's detailed error code (`x-oss-ec` / `<EC>`).
    public var ec: String?
    /// Other elements of the error XML (e.g. `UploadId`), and for 203 CallbackFailed the raw body.
    public var details: [String: String]

    public init(
        httpStatus: Int,
        code: OSSErrorCode,
        message: String,
        requestID: String,
        hostID: String? = nil,
        ec: String? = nil,
        details: [String: String] = [:]
    ) {
        self.httpStatus = httpStatus
        self.code = code
        self.message = message
        self.requestID = requestID
        self.hostID = hostID
        self.ec = ec
        self.details = details
    }

    public var description: String {
        "\(code) (HTTP \(httpStatus)): \(message) [request id \(requestID.isEmpty ? "none" : requestID)\(ec.map { ", EC \($0)" } ?? "")]"
    }
}
