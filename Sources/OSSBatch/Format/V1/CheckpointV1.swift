/// The `checkpoint` member of an `ossbatch-checkpoint/1` file (Swift's property names as keys, part CRC-64s
/// as JSON numbers), read into today's `Checkpoint`.
///
/// The member names are the format-1 keys: they must not be renamed.
struct CheckpointV1: Decodable {
    static let format = "ossbatch-checkpoint/1"

    struct Part: Decodable {
        var number: Int
        var size: Int64
        var etag: String
        var crc64: UInt64
    }

    var bucket: String
    var key: String
    var source: String
    var identity: ReportV1.Identity
    var partSize: Int64
    var partCount: Int
    var uploadID: String
    var parts: [Part]
    var completing: Bool
    var createdAt: String

    func checkpoint() throws(FormatError) -> Checkpoint {
        let identity = try identity.sourceIdentity()
        return try Checkpoint(
            bucket: bucket,
            key: key,
            source: source,
            identity: identity,
            partPlan: try PartPlan.validated(partSize: partSize, partCount: partCount, fileSize: identity.size),
            uploadID: uploadID,
            parts: parts.map { Checkpoint.Part(number: $0.number, size: $0.size, etag: $0.etag, crc64: $0.crc64) },
            completing: completing,
            createdAt: createdAt
        )
    }
}
