import OSSProtocol

/// An error LocalOSS answers with, rendered as OSS's error XML (`<Error><Code/>…`).
struct OSSRequestError: Error, Sendable {
    var status: Int
    var code: OSSErrorCode
    var message: String
    /// OSS's detailed error code, sent as `x-oss-ec` and `<EC>`.
    var ec: String
    /// Extra elements of the error XML (e.g. `UploadId`, `PartNumber`).
    var extra: [(String, String)] = []

    init(
        _ status: Int,
        _ code: OSSErrorCode,
        _ message: String,
        ec: String = "0000-00000000",
        extra: [(String, String)] = []
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.ec = ec
        self.extra = extra
    }

    static func noSuchBucket(_ bucket: String) -> Self {
        .init(
            404,
            .noSuchBucket,
            "The specified bucket does not exist.",
            ec: "0015-00000101",
            extra: [("BucketName", bucket)]
        )
    }
    static func noSuchKey(_ key: String) -> Self {
        .init(404, .noSuchKey, "The specified key does not exist.", ec: "0026-00000001", extra: [("Key", key)])
    }
    static func noSuchUpload(_ id: String) -> Self {
        .init(
            404,
            .noSuchUpload,
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
            ec: "0042-00000002",
            extra: [("UploadId", id)]
        )
    }
    static func invalidArgument(_ message: String) -> Self {
        .init(400, .invalidArgument, message, ec: "0017-00000001")
    }
    static func malformedXML(_ message: String) -> Self { .init(400, .malformedXML, message, ec: "0042-00000201") }
}
