/// Where credentials come from when the manifest names a file.
public struct CredentialsSource: Sendable, Hashable, Codable {
    /// Absolute path of an INI file (mode 0600).
    public var file: String
    public var profile: String

    /// The profile used when neither the manifest nor `--profile` names one.
    public static let defaultProfile = "default"

    public init(file: String, profile: String = CredentialsSource.defaultProfile) {
        self.file = file
        self.profile = profile
    }
}
