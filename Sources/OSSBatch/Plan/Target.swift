import OSSKit

/// Where a batch goes: the `target:` section of the manifest, resolved.
public struct Target: Sendable, Hashable, Codable {
    public var endpoint: String
    public var region: String
    public var bucket: String
    public var signature: SignatureVersion
    public var addressing: Addressing

    public init(endpoint: String, region: String, bucket: String, signature: SignatureVersion, addressing: Addressing) {
        self.endpoint = endpoint
        self.region = region
        self.bucket = bucket
        self.signature = signature
        self.addressing = addressing
    }
}
