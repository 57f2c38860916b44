/// One entry of a report's or plan document's `directories` table: a directory of source files (its path
/// ends with `/`) and the device they are on. Job lines name their source by an index into this table.
struct DirectoryRecord: Codable, Hashable, Sendable {
    var path: String
    var device: UInt64

    private enum CodingKeys: String, CodingKey { case path, device }
}
