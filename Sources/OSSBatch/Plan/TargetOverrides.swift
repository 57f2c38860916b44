/// Command-line replacements for the manifest's `target:` values, applied before defaults are derived
/// (so `--endpoint http://127.0.0.1:9000` also switches to path addressing).
package struct TargetOverrides: Sendable, Hashable {
    package var endpoint: String?
    package var bucket: String?
    package var region: String?

    package init(endpoint: String? = nil, bucket: String? = nil, region: String? = nil) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.region = region
    }

    /// Nothing overridden.
    package static let none = TargetOverrides()

    /// `text` as the endpoint URL a plan holds (`scheme://host[:port]`), or `nil` when it is not an endpoint:
    /// for `--endpoint` on commands that start from a report.
    package static func endpointURL(_ text: String) -> String? { Endpoint(text)?.url }
}
