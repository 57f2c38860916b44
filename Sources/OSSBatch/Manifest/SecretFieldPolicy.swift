/// Secrets never live in a manifest (manifests get committed, copied and printed). Any field whose name
/// looks like one is an error that says where credentials go instead.
enum SecretFieldPolicy {
    private static let fragments = [
        "secret", "password", "passwd", "securitytoken", "ststoken", "sessiontoken", "oidctoken", "accesstoken",
        "privatekey", "accesskeysecret",
    ]

    static func looksSecret(_ field: String) -> Bool {
        let folded = field.lowercased().filter { $0 != "_" && $0 != "-" }
        return fragments.contains { folded.contains($0) }
    }

    static func message(for field: String) -> String {
        "'\(field)' looks like a secret, and secrets do not belong in a manifest; set OSS_ACCESS_KEY_ID, "
            + "OSS_ACCESS_KEY_SECRET (and OSS_SESSION_TOKEN for STS) in the environment, or name a credentials "
            + "file with target.credentials: {file: ~/.ossbatch/credentials, profile: NAME}"
    }
}
