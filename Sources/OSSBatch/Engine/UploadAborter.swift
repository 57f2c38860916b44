import Foundation
import LocalFiles
import Logging
import OSSKit
import OSSProtocol

/// `ossbatch abort`: gives a batch up. For each job, holding its key's lock: aborts the upload its checkpoint
/// holds — when the checkpoint is this batch's — and deletes the checkpoint, or the upload its pending line
/// names without a checkpoint (a copy in parts that was stopped); then, for an unfinished
/// multipart job, any other open upload of its key started while this batch was running (one a run started
/// but died before checkpointing). A key another process holds now is left alone (that process is using
/// it), and so is an upload another batch's checkpoint holds.
package struct UploadAborter: Sendable {
    package struct Result: Sendable {
        package var aborted = 0
        package var alreadyGone = 0
        /// Uploads whose abort failed.
        package var failed = 0
        /// Keys whose open uploads could not be listed (their stray uploads, if any, not searched): counted
        /// apart from uploads, which the summary said it had failed to abort (audit of 72b75db: "6 failed"
        /// for 3 uploads).
        package var failedListings = 0
        /// Keys left alone because another process held them.
        package var inUse: [BusyError] = []
        /// Checkpoints left alone because another batch took them over.
        package var heldByOtherBatches = 0
        /// Indexes of the jobs whose checkpoint is gone now (aborted, already gone, or another batch's).
        package var released: [Int] = []
        /// The server answered ListMultipartUploads with NotImplemented: no more searches for strays.
        package var cannotListUploads = false
        /// Stopped by this signal before every job was seen: what is above is what was done.
        package var stoppedBy: StopSignal?
        /// Stopped because the endpoint could not be reached: two requests in a row failed to connect (each
        /// after its retries) before any answer. Without this an abort against a dead endpoint went through
        /// every key, minutes each against a silent one, holding each key's lock from the nightly run (audit
        /// of 72b75db).
        package var unreachable: JobError?
        /// Whether the service has answered any request of this abort (an error status included).
        var answered = false
        /// Requests that failed to connect (after their retries) before any answer.
        var connectionFailures = 0

        /// Counts what a request's end says of the endpoint (`nil`: it succeeded).
        mutating func note(_ error: (any Error)?) {
            guard let error else {
                answered = true
                return
            }
            if case .transport(let failure, _)? = error as? OSSError {
                if failure.isConnectionLevel || failure.isStall { connectionFailures += 1 }
            } else if error is OSSError {
                answered = true
            }
        }

        /// The exit status `abort` ends with: busy when a key was in use, failed when an abort failed.
        package var exitStatus: ExitStatus {
            if let stoppedBy { return stoppedBy.exitStatus }
            if unreachable != nil { return .fatal }
            if !inUse.isEmpty { return .busy }
            return failed == 0 && failedListings == 0 ? .success : .jobsFailed
        }
    }

    let report: Report
    let reportPath: String
    let logger: Logger
    let resolver: CredentialsResolver
    let transport: any HTTPTransport
    let state: StateDirectory

    /// `transport` is the caller's (the CLI makes a libcurl one and shuts it down afterwards).
    package init(
        report: Report,
        reportPath: String,
        logger: Logger,
        resolver: CredentialsResolver,
        transport: any HTTPTransport,
        state: StateDirectory
    ) {
        self.report = report
        self.reportPath = reportPath
        self.logger = logger
        self.resolver = resolver
        self.transport = transport
        self.state = state
    }

    /// Aborts what the batch left open. Throws `CredentialsError` without credentials, `StateFileError`
    /// when the key locks cannot be used; nothing is sent then. `stopRequested` is asked before each job (a
    /// signal): the requests of the job in hand end first, and `Result.stoppedBy` says the rest was not seen.
    package func abortAll(stopRequested: @Sendable () -> StopSignal? = { nil }) async throws -> Result {
        let logger = self.logger
        let credentials = try await resolver.provider(transport: transport) { logger.info("\($0)") }
        let keyLocks = try KeyLocks.forBucket(report.target.bucket, in: state)
        let client = OSSClient(
            configuration: report.clientConfiguration,
            credentialsProvider: credentials,
            transport: transport
        )
        // Held to the rule `resume` holds it to (a link, or a directory others may write, is refused): abort
        // deletes checkpoints in it, and through a link it deleted them in the link's target (audit of
        // 7f6ac3f). A directory that is not there has no checkpoints to abort.
        if (try? FileStatus.lstat(report.upload.checkpointDir)) != nil {
            do { try StateFile.requirePrivateDirectory(report.upload.checkpointDir) } catch {
                throw StateFileError(path: error.path, operation: "use the checkpoint directory", reason: error.reason)
            }
        }
        let store = CheckpointStore(directory: report.upload.checkpointDir)
        let windows = StrayUploads.runWindows(report.runs, createdAt: report.createdAt)
        var result = Result()
        for (index, job) in report.jobs.enumerated() {
            if let signal = stopRequested() {
                result.stoppedBy = signal
                break
            }
            let key = job.spec.key
            let path = store.path(bucket: report.target.bucket, key: key, source: job.spec.source)
            let unfinished = job.outcome.status == .pending || job.outcome.status == .failed
            let multipart: Bool
            if case .multipart = job.spec.method { multipart = true } else { multipart = false }
            // A copy in parts stopped before its abort keeps no checkpoint: its pending line names the upload.
            let lineUpload =
                job.outcome.status == .pending && job.outcome.checkpoint == nil ? job.outcome.uploadID : nil
            guard (unfinished && multipart) || lineUpload != nil || FileManager.default.fileExists(atPath: path) else {
                continue
            }
            if let busy = try keyLocks.lock(key) {
                result.inUse.append(busy)
                logger.warning("\(key): left alone: \(busy)")
                continue
            }
            defer { keyLocks.unlock(key) }
            var keeping = store.uploadsHeldByOtherBatches(
                bucket: report.target.bucket,
                key: key,
                source: job.spec.source,
                in: state
            )
            if let owned = store.ownedUpload(path) {
                if let owner = owned.report, owner != reportPath {
                    keeping.insert(owned.uploadID)
                    result.heldByOtherBatches += 1
                    result.released.append(index)
                    logger.info("\(key): upload \(owned.uploadID) now belongs to the batch of \(owner): left alone")
                } else if await abort(owned.uploadID, of: job.spec, client: client, into: &result) {
                    store.remove(path)
                    result.released.append(index)
                }
            } else if job.outcome.checkpoint != nil {
                result.released.append(index)  // gone since the report was written
            } else if let lineUpload, !keeping.contains(lineUpload) {
                if await abort(lineUpload, of: job.spec, client: client, into: &result) {
                    result.released.append(index)
                }
            }
            if unfinished && multipart {
                await abortStrays(of: job.spec, within: windows, keeping: keeping, client: client, into: &result)
            }
            if !result.answered && result.connectionFailures >= 2 {
                result.unreachable = JobError(
                    code: "ServiceUnreachable",
                    message: "cannot reach \(report.target.endpoint): \(result.connectionFailures) requests failed "
                        + "to connect and not one answer; stopped before the other keys: run abort again once it "
                        + "answers (with --endpoint URL if the report's is wrong)"
                )
                logger.error("stopping: \(result.unreachable!)")
                break
            }
        }
        return result
    }

    /// Aborts one upload; `true` when it is gone afterwards.
    private func abort(
        _ uploadID: String,
        of job: UploadJob,
        stray: Bool = false,
        client: OSSClient,
        into result: inout Result
    ) async -> Bool {
        do {
            try await client.abortMultipartUpload(bucket: report.target.bucket, key: job.key, uploadID: uploadID)
            result.note(nil)
            result.aborted += 1
            var fields: Logger.Metadata = ["upload_id": .string(uploadID)]
            if stray { fields["stray"] = .stringConvertible(true) }
            logger.info(
                "\(job.key): aborted upload \(uploadID)\(stray ? " (no checkpoint held it)" : "")",
                metadata: .event("upload_aborted", job: job, fields)
            )
            return true
        } catch let error as OSSError where error.code == .noSuchUpload {
            result.note(error)
            result.alreadyGone += 1
            return true
        } catch {
            result.note(error)
            result.failed += 1
            logger.error(
                "\(job.key): could not abort upload \(uploadID): \(error)",
                metadata: .event("abort_failed", job: job, JobError.from(error).logFields(uploadID: uploadID))
            )
            return false
        }
    }

    private func abortStrays(
        of job: UploadJob,
        within windows: [ClosedRange<Date>],
        keeping: Set<String>,
        client: OSSClient,
        into result: inout Result
    ) async {
        guard !result.cannotListUploads else { return }
        let open: [MultipartUploadSummary]
        do {
            open = try await client.listMultipartUploads(bucket: report.target.bucket, prefix: job.key)
            result.note(nil)
        } catch let error as OSSError where error.isNotImplemented {
            result.note(error)
            // A server without ListMultipartUploads: uploads no checkpoint holds cannot be found on it.
            result.cannotListUploads = true
            logger.warning(
                "the server cannot list multipart uploads (NotImplemented); only the uploads the checkpoints hold were aborted"
            )
            return
        } catch {
            result.note(error)
            result.failedListings += 1
            logger.error(
                "\(job.key): could not list open uploads: \(error)",
                metadata: .event("list_uploads_failed", job: job, .error(JobError.from(error)))
            )
            return
        }
        // After the listing: a clock far off OSS's is known to the client only once a request was refused.
        let windows = StrayUploads.onServerClock(windows, offset: client.clockOffset)
        for upload in StrayUploads.select(open, key: job.key, within: windows, keeping: keeping) {
            _ = await abort(upload.uploadID, of: job, stray: true, client: client, into: &result)
        }
    }
}
