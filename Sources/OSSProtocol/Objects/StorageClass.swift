/// `x-oss-storage-class`. `.standard` is the default and sends no header.
public enum StorageClass: String, Sendable, Hashable, Codable, CaseIterable {
    case standard = "Standard"
    case ia = "IA"
    case archive = "Archive"
    case coldArchive = "ColdArchive"
    case deepColdArchive = "DeepColdArchive"

    /// Archive, ColdArchive, DeepColdArchive: an object of these is frozen (read or copied only once restored).
    public var isArchive: Bool { self == .archive || self == .coldArchive || self == .deepColdArchive }
}
