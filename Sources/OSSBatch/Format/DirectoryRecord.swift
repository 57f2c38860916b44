/// One entry of a report's or plan document's `directories` table: a directory of source files (its path
/// ends with `/`) and the device they are on. Job lines name their source by an index into this table.
/// Equal and hashed by the path's bytes (`ExactString`): by `String`'s `==`, canonically equivalent spellings
/// of two directories were one entry, and `resume` read the other directory's file for a job.
struct DirectoryRecord: Codable, Hashable, Sendable {
    var path: String
    var device: UInt64

    private enum CodingKeys: String, CodingKey { case path, device }

    init(path: String, device: UInt64) {
        self.path = path
        self.device = device
    }

    /// Read back, a path must be absolute and end with `/`: a job's source is its directory's path and its name
    /// joined, and `/data/site` (the `/` taken out by an edit a checksum does not guard: a report written before
    /// checksums, or reformatted by a tool) made `resume` read `/data/sitea.txt` for `a.txt` (review of e4ab55a).
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        device = try container.decode(UInt64.self, forKey: .device)
        guard path.hasPrefix("/"), path.hasSuffix("/"), !path.utf8.contains(0) else {
            throw FormatError("directory '\(path.prefix(200))' is not an absolute path ending with '/'")
        }
    }

    static func == (a: DirectoryRecord, b: DirectoryRecord) -> Bool {
        a.device == b.device && ExactString.same(a.path, b.path)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(device)
        hasher.combine(ExactString(path))
    }
}
