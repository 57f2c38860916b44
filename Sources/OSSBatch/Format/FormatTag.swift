/// The `format` member that names a state file's format and version (`ossbatch-report/2`): read first, to
/// decide how to read the rest; written alone as a journal's first line.
struct FormatTag: Codable {
    var format: String

    private enum CodingKeys: String, CodingKey { case format }
}
