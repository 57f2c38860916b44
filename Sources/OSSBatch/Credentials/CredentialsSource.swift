/// Where credentials come from when the manifest says (`target.credentials`): an INI file and profile, or the
/// ECS instance's RAM role.
public struct CredentialsSource: Sendable, Hashable, Codable {
    /// Absolute path of an INI file (mode 0600); `nil` with `ecsRAMRole`.
    public var file: String?
    public var profile: String
    /// The RAM role of the ECS instance, from its metadata service (`target.credentials.ecs_ram_role`).
    public var ecsRAMRole: String?

    /// The profile used when neither the manifest nor `--profile` names one.
    public static let defaultProfile = "default"

    public init(file: String, profile: String = CredentialsSource.defaultProfile) {
        self.file = file
        self.profile = profile
    }

    public init(ecsRAMRole: String) {
        self.ecsRAMRole = ecsRAMRole
        profile = Self.defaultProfile
    }
}
