/// Where credentials come from when the manifest names a file.
public struct CredentialsSource: Sendable, Hashable, Codable {
    /// Absolute path of an INI file (mode 0600).
    public var file: String
    public var profile: String

    public init(file: String, profile: String = "default") {
        self.file = file
        self.profile = profile
    }
}
