/// How requests are signed.
public enum SignatureVersion: String, Sendable, Codable, CaseIterable {
    case v4
    case v1
}
