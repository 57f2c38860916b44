import LocalFiles
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
        logger: Logger,
        clockOffset: Int64 = 0
    ) {
        var clientConfig = report.clientConfiguration
        // Retries are normal on a long batch: each attempt is logged at debug (which request and why, never a
        // secret); the engine logs one line per job that needed retries, and watches them for a dead endpoint.
        clientConfig.onRetry = { event in
            logger.debug("retrying: \(event)", metadata: .retry(event))
            RequestScope.retrying(event)
        }
        clientConfig.beforeAttempt = { try await RequestScope.beforeAttempt() }
        client = OSSClient(configuration: clientConfig, credentialsProvider: credentials, transport: transport)
        // `run`'s clock check found this machine's clock off: sign by OSS's from the first request.
        if clockOffset != 0 { client.assumeClockOffset(clockOffset) }
        let index: UploadIndex?
        var indexMadeLater: String?
        let path = UploadIndex.path(endpoint: report.target.endpoint, bucket: report.target.bucket, in: state)
        if report.upload.unchanged == .upload {
            // Not this batch's cache; but another batch on this target may have one that vouches for keys this
            // one overwrites, and would then skip its file as unchanged over this batch's object. When it exists,
            // the entries of the keys this batch uploads go (`IndexWriter.vouches`: none are added).
            // Opened unchecked: this run only removes entries, and a full `quick_check` of another batch's index
            // on every run of this one was start-up work it does not need (a damaged page shows as a write's
            // warning, and that batch's own next run rebuilds the file).
            if (try? FileStatus.lstat(path)) == nil {
                // None yet: another batch's first night may make one while this runs (looked for before each
                // upload).
                (index, indexMadeLater) = (nil, path)
            } else {
                index = BatchSession.openIndex(at: path, logger: logger, checked: false)
            }
        } else {
            index = BatchSession.openIndex(at: path, logger: logger)
        }
        // Found but not opened (held past SQLite's patience, an I/O error): opened again before the first
        // upload, and given up for good then (`BatchContext.indexMadeSince()`).
        if index == nil, (try? FileStatus.lstat(path)) != nil { indexMadeLater = path }
        engine = Engine(
            report: consume report,
            store: store,
            client: client,
            keyLocks: keyLocks,
            state: state,
            logger: logger,
            index: index,
            indexMadeLater: indexMadeLater
        )
    }

    /// The upload index at `path`; problems are warnings (it is a cache): without it, files are uploaded.
    static func openIndex(at path: String, logger: Logger, checked: Bool = true) -> UploadIndex? {
        var warnings: [String] = []
        defer {
            for warning in warnings {
                logger.warning("\(warning)", metadata: .event("index_rebuilt", ["path": .string(path)]))
            }
        }
        do {
            return try UploadIndex.open(at: path, warnings: &warnings, checked: checked)
        } catch {
            warnings.append("cannot use the upload index: \(error); uploading without it")
            return nil
        }
    }
}
