import OSSKit

extension Report {
    /// How to reach the report's target: endpoint, region, signature, addressing and retry policy.
    package var clientConfiguration: OSSClientConfiguration {
        OSSClientConfiguration(
            endpoint: target.endpoint,
            region: target.region,
            signature: target.signature,
            addressing: target.addressing,
            retry: upload.retry
        )
    }
}
