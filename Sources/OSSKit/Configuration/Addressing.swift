/// Where the bucket goes in the URL.
public enum Addressing: String, Sendable, Codable, CaseIterable {
    /// `https://<bucket>.<endpoint>/<key>` (the default against aliyuncs.com).
    case virtualHost = "virtual-host"
    /// `http://<endpoint>/<bucket>/<key>` (IP addresses, localhost, LocalOSS).
    case path
}
