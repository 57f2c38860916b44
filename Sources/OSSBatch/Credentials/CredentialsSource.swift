/// Where credentials come from when the manifest names a file.
package struct CredentialsSource: Sendable, Hashable, Codable {
    /// Absolute path of an INI file (mode 0600).
    package var file: String
    package var profile: String

    /// The profile used when neither the manifest nor `--profile` names one.
    package static let defaultProfile = "default"

    package init(file: String, profile: String = CredentialsSource.defaultProfile) {
        self.file = file
        self.profile = profile
    }
}
