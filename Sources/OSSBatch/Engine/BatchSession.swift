import Logging
import OSSKit
import OSSProtocol

/// Everything one `run` or `resume` needs, built from a report: the client and the engine, over a transport
/// the caller made (the `ossbatch` CLI: libcurl, with the report's bandwidth cap and concurrency) and shuts down.
public struct BatchSession: Sendable {
    public let client: OSSClient
    public let engine: Engine

    public init(
        report: Report,
        store: ReportStore,
        credentials: any CredentialsProvider,
        transport: any HTTPTransport,
        logger: Logger
    ) {
        var clientConfig = report.clientConfiguration
        // Retries are normal on a long batch; the log says which request and why (never a secret).
        clientConfig.onRetry = { event in logger.info("retrying: \(event)") }
        client = OSSClient(configuration: clientConfig, credentialsProvider: credentials, transport: transport)
        engine = Engine(report: report, store: store, client: client, logger: logger)
    }
}
