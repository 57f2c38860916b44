/// Where credentials come from when the manifest says (`target.credentials`): an INI file and profile, or the
/// ECS instance's RAM role.
package struct CredentialsSource: Sendable, Hashable, Codable {
    /// Absolute path of an INI file (mode 0600); `nil` with `ecsRAMRole`.
    package var file: String?
    package var profile: String
    /// The RAM role of the ECS instance, from its metadata service (`target.credentials.ecs_ram_role`).
    package var ecsRAMRole: String?

    /// The profile used when neither the manifest nor `--profile` names one.
    package static let defaultProfile = "default"

    package init(file: String, profile: String = CredentialsSource.defaultProfile) {
        self.file = file
        self.profile = profile
    }

    package init(ecsRAMRole: String) {
        self.ecsRAMRole = ecsRAMRole
        profile = Self.defaultProfile
    }
}
