import CurlHTTP
import Foundation
import Logging
import OSSKit

/// Everything one `run` or `resume` needs, built from a report: the transport, the client, the engine.
public struct BatchSession: Sendable {
    public let http: CurlHTTPClient
    public let client: OSSClient
    public let engine: Engine

    public init(report: Report, store: ReportStore, credentials: Credentials, logger: Logger) {
        var httpConfig = CurlHTTPConfiguration()
        httpConfig.maxSendBytesPerSecond = report.upload.bandwidth
        httpConfig.maxConnections = max(16, report.upload.concurrency * 2)
        httpConfig.userAgent = "ossbatch/\(OSSBatchVersion.current)"
        http = CurlHTTPClient(configuration: httpConfig)
        var clientConfig = report.clientConfiguration
        // Retries are normal on a long batch; the log says which request and why (never a secret).
        clientConfig.onRetry = { event in logger.info("retrying: \(event)") }
        client = OSSClient(configuration: clientConfig, credentials: credentials, http: http)
        engine = Engine(report: report, store: store, client: client, http: http, logger: logger)
    }
}

extension Report {
    /// How to reach the report's target: endpoint, region, signature, addressing and retry policy.
    public var clientConfiguration: OSSClientConfiguration {
        OSSClientConfiguration(
            endpoint: target.endpoint,
            region: target.region,
            signature: target.signature,
            addressing: target.addressing,
            retry: upload.retry
        )
    }
}
