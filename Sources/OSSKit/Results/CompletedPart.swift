/// One part named in CompleteMultipartUpload.
public struct CompletedPart: Sendable, Hashable, Codable {
    public var partNumber: Int
    public var etag: String
    public init(partNumber: Int, etag: String) {
        self.partNumber = partNumber
        self.etag = etag
    }
}
