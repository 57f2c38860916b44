/// One part as ListParts reports it.
public struct ListedPart: Sendable, Hashable {
    public var partNumber: Int
    public var etag: String
    public var size: Int64
    public var crc64: UInt64?

    public init(partNumber: Int, etag: String, size: Int64, crc64: UInt64?) {
        self.partNumber = partNumber
        self.etag = etag
        self.size = size
        self.crc64 = crc64
    }
}
