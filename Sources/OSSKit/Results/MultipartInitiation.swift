/// A started multipart upload.
public struct MultipartInitiation: Sendable, Hashable {
    public var uploadID: String
    /// Requests this client sent for it. More than one means an earlier attempt may have started an upload
    /// whose answer was lost; one does not rule that out (libcurl resends by itself a request whose reused
    /// connection closed before any answer).
    public var attempts: Int

    public init(uploadID: String, attempts: Int) {
        self.uploadID = uploadID
        self.attempts = attempts
    }
}
