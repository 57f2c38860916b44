extension OSSRequest {
    /// OSS's longest object name, in bytes of UTF-8.
    static let maximumKeyBytes = 1023

    /// Refuses an object name OSS would refuse, with OSS's code: 400 InvalidObjectName for a name over 1,023
    /// bytes or one starting with `/` or `\`. Requests on the bucket (no key) pass.
    func checkObjectName() throws(OSSRequestError) {
        guard let key, !key.isEmpty else { return }
        if key.utf8.count > Self.maximumKeyBytes {
            throw OSSRequestError(
                400,
                .invalidObjectName,
                "The Length of Object name must be less than 1024.",
                ec: "0016-00000003"
            )
        }
        if key.hasPrefix("/") || key.hasPrefix("\\") {
            throw OSSRequestError(400, .invalidObjectName, "The specified object is not valid.", ec: "0016-00000005")
        }
    }
}
