import Logging
import OSSKit
import OSSProtocol

/// Everything one `run` or `resume` needs, built from a report: the client and the engine, over a transport
/// the caller made (the `ossbatch` CLI: libcurl, with the report's bandwidth cap and concurrency) and shuts down.
package struct BatchSession: Sendable {
    package let client: OSSClient
    package let engine: Engine

    package init(
        report: consuming Report,
        store: ReportStore,
        credentials: any CredentialsProvider,
        transport: any HTTPTransport,
        keyLocks: KeyLocks,
        state: StateDirectory,
        logger: Logger
    ) {
        var clientConfig = report.clientConfiguration
        // Retries are normal on a long batch: each attempt is logged at debug (which request and why, never a
        // secret); the engine logs one line per job that needed retries, and watches them for a dead endpoint.
        clientConfig.onRetry = { event in
            logger.debug("retrying: \(event)", metadata: .retry(event))
            RequestScope.retrying(event)
        }
        client = OSSClient(configuration: clientConfig, credentialsProvider: credentials, transport: transport)
        engine = Engine(
            report: consume report,
            store: store,
            client: client,
            keyLocks: keyLocks,
            state: state,
            logger: logger
        )
    }
}
