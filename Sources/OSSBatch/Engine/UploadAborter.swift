import Logging
import OSSKit
import OSSProtocol

/// Aborts the multipart uploads a report's checkpoints hold (`ossbatch abort`), deleting each checkpoint
/// once OSS confirms its upload is gone; then, for every unfinished multipart job, any other open upload of
/// its key started since the report was created — one a run started but died before checkpointing.
package struct UploadAborter: Sendable {
    package struct Result: Sendable {
        package var aborted = 0
        package var alreadyGone = 0
        package var failed = 0
    }

    let report: Report
    let logger: Logger
    let resolver: CredentialsResolver
    let transport: any HTTPTransport

    /// `transport` is the caller's (the CLI makes a libcurl one and shuts it down afterwards).
    package init(report: Report, logger: Logger, resolver: CredentialsResolver, transport: any HTTPTransport) {
        self.report = report
        self.logger = logger
        self.resolver = resolver
        self.transport = transport
    }

    package func abortAll() async throws -> Result {
        let logger = self.logger
        let credentials = try await resolver.provider(transport: transport) { logger.info("\($0)") }
        let target = report.target
        let client = OSSClient(
            configuration: report.clientConfiguration,
            credentialsProvider: credentials,
            transport: transport
        )
        let store = CheckpointStore(directory: report.upload.checkpointDir)
        var result = Result()
        for job in report.jobs {
            let path = store.path(bucket: target.bucket, key: job.spec.key, source: job.spec.source)
            guard let uploadID = store.uploadIDForCleanup(path) else { continue }
            do {
                try await client.abortMultipartUpload(bucket: target.bucket, key: job.spec.key, uploadID: uploadID)
                result.aborted += 1
                store.remove(path)
                logger.info(
                    "\(job.spec.key): aborted upload \(uploadID)",
                    metadata: .event("upload_aborted", job: job.spec, ["upload_id": .string(uploadID)])
                )
            } catch let error as OSSError where error.code == .noSuchUpload {
                result.alreadyGone += 1
                store.remove(path)
            } catch {
                result.failed += 1
                logger.error(
                    "\(job.spec.key): could not abort upload \(uploadID): \(error)",
                    metadata: .event("abort_failed", job: job.spec, JobError.from(error).logFields(uploadID: uploadID))
                )
            }
        }
        await abortUncheckpointed(client: client, into: &result)
        return result
    }

    private func abortUncheckpointed(client: OSSClient, into result: inout Result) async {
        let created = Timestamp.parse(report.createdAt) ?? .distantPast
        for job in report.jobs where job.outcome.status == .pending || job.outcome.status == .failed {
            guard case .multipart = job.spec.method else { continue }
            let key = job.spec.key
            let open: [MultipartUploadSummary]
            do {
                open = try await client.listMultipartUploads(bucket: report.target.bucket, prefix: key)
            } catch let error as OSSError where error.isNotImplemented {
                // A server without ListMultipartUploads: uploads no checkpoint holds cannot be found on it.
                logger.warning(
                    "the server cannot list multipart uploads (NotImplemented); only the uploads the checkpoints hold were aborted"
                )
                return
            } catch {
                result.failed += 1
                logger.error(
                    "\(key): could not list open uploads: \(error)",
                    metadata: .event("list_uploads_failed", job: job.spec, .error(JobError.from(error)))
                )
                continue
            }
            for upload in StrayUploads.select(open, key: key, startedSince: created) {
                do {
                    try await client.abortMultipartUpload(
                        bucket: report.target.bucket,
                        key: key,
                        uploadID: upload.uploadID
                    )
                    result.aborted += 1
                    logger.info(
                        "\(key): aborted upload \(upload.uploadID) (no checkpoint held it)",
                        metadata: .event(
                            "upload_aborted",
                            job: job.spec,
                            ["upload_id": .string(upload.uploadID), "stray": .stringConvertible(true)]
                        )
                    )
                } catch let error as OSSError where error.code == .noSuchUpload {
                    result.alreadyGone += 1
                } catch {
                    result.failed += 1
                    logger.error(
                        "\(key): could not abort upload \(upload.uploadID): \(error)",
                        metadata: .event(
                            "abort_failed",
                            job: job.spec,
                            JobError.from(error).logFields(uploadID: upload.uploadID)
                        )
                    )
                }
            }
        }
    }
}
