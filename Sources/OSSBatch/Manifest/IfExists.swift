/// What to do when the key already exists.
public enum IfExists: String, Sendable, Hashable, Codable, CaseIterable {
    case overwrite, skip, fail
}
