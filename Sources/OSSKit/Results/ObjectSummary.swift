/// One object as ListObjectsV2 reports it.
public struct ObjectSummary: Sendable, Hashable {
    public var key: String
    public var size: Int64
    public var etag: String

    public init(key: String, size: Int64, etag: String) {
        self.key = key
        self.size = size
        self.etag = etag
    }
}
