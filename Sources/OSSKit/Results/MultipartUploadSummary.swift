/// One in-progress upload as ListMultipartUploads reports it.
public struct MultipartUploadSummary: Sendable, Hashable {
    public var key: String
    public var uploadID: String
    public var initiated: String

    public init(key: String, uploadID: String, initiated: String) {
        self.key = key
        self.uploadID = uploadID
        self.initiated = initiated
    }
}
