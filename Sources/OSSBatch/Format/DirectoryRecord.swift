/// One entry of a report's or plan document's `directories` table: a directory of source files (its path
/// ends with `/`) and the device they are on. Job lines name their source by an index into this table.
/// Equal and hashed by the path's bytes (`ExactString`): by `String`'s `==`, canonically equivalent spellings
/// of two directories were one entry, and `resume` read the other directory's file for a job.
struct DirectoryRecord: Codable, Hashable, Sendable {
    var path: String
    var device: UInt64

    private enum CodingKeys: String, CodingKey { case path, device }

    static func == (a: DirectoryRecord, b: DirectoryRecord) -> Bool {
        a.device == b.device && ExactString.same(a.path, b.path)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(device)
        hasher.combine(ExactString(path))
    }
}
