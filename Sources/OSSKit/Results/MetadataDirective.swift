/// Whether a copy keeps the source's metadata (`copy`) or takes the request's (`replace`), as
/// `x-oss-metadata-directive` says.
public enum MetadataDirective: String, Sendable, Hashable {
    case copy = "COPY"
    case replace = "REPLACE"
}
