import OSSKit

/// Where a batch goes: the `target:` section of the manifest, resolved.
package struct Target: Sendable, Hashable, Codable {
    package var endpoint: String
    package var region: String
    package var bucket: String
    package var signature: SignatureVersion
    package var addressing: Addressing

    package init(endpoint: String, region: String, bucket: String, signature: SignatureVersion, addressing: Addressing)
    {
        self.endpoint = endpoint
        self.region = region
        self.bucket = bucket
        self.signature = signature
        self.addressing = addressing
    }
}
