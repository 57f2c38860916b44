/// `x-oss-storage-class`. `.standard` is the default and sends no header.
public enum StorageClass: String, Sendable, Hashable, Codable, CaseIterable {
    case standard = "Standard"
    case ia = "IA"
    case archive = "Archive"
    case coldArchive = "ColdArchive"
    case deepColdArchive = "DeepColdArchive"
}
