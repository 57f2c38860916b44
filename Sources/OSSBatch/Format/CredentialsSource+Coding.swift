// The `credentials` member of reports and plan documents (format 2): where the secrets are, never them.
extension CredentialsSource {
    private enum CodingKeys: String, CodingKey {
        case file, profile
        case ecsRAMRole = "ecs_ram_role"
    }

    /// `{file, profile}` or `{ecs_ram_role}` (then `profile` is written too, and ignored).
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let role = try c.decodeIfPresent(String.self, forKey: .ecsRAMRole) {
            self.init(ecsRAMRole: role)
        } else {
            self.init(
                file: try c.decode(String.self, forKey: .file),
                profile: try c.decode(String.self, forKey: .profile)
            )
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(file, forKey: .file)
        try c.encode(profile, forKey: .profile)
        try c.encodeIfPresent(ecsRAMRole, forKey: .ecsRAMRole)
    }
}
