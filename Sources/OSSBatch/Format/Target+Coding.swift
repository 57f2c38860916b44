import OSSKit

// The `target` member of reports and plan documents (format 2).
extension Target {
    private enum CodingKeys: String, CodingKey { case endpoint, region, bucket, signature, addressing }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            endpoint: try c.decode(String.self, forKey: .endpoint),
            region: try c.decode(String.self, forKey: .region),
            bucket: try c.decode(String.self, forKey: .bucket),
            signature: try c.decode(SignatureVersion.self, forKey: .signature),
            addressing: try c.decode(Addressing.self, forKey: .addressing)
        )
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(endpoint, forKey: .endpoint)
        try c.encode(region, forKey: .region)
        try c.encode(bucket, forKey: .bucket)
        try c.encode(signature, forKey: .signature)
        try c.encode(addressing, forKey: .addressing)
    }
}
