/// Command-line replacements for the manifest's `target:` values, applied before defaults are derived
/// (so `--endpoint http://127.0.0.1:9000` also switches to path addressing).
public struct TargetOverrides: Sendable, Hashable {
    public var endpoint: String?
    public var bucket: String?
    public var region: String?

    public init(endpoint: String? = nil, bucket: String? = nil, region: String? = nil) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.region = region
    }

    /// Nothing overridden.
    public static let none = TargetOverrides()

    /// `text` as the endpoint URL a plan holds (`scheme://host[:port]`), or `nil` when it is not an endpoint:
    /// for `--endpoint` on commands that start from a report.
    public static func endpointURL(_ text: String) -> String? { Endpoint(text)?.url }
}
