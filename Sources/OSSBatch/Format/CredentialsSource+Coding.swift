// The `credentials` member of reports and plan documents (format 2): where the secrets are, never them.
extension CredentialsSource {
    private enum CodingKeys: String, CodingKey { case file, profile }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(file: try c.decode(String.self, forKey: .file), profile: try c.decode(String.self, forKey: .profile))
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(profile, forKey: .profile)
    }
}
