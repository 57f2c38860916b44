import Logging
import OSSKit
import Synchronization

/// Everything the jobs of one batch share: the client, the global request limit, the stop flag.
final class BatchContext: Sendable {
    let client: OSSClient
    let bucket: String
    let settings: UploadSettings
    let checkpoints: CheckpointStore
    let logger: Logger
    let progress: BatchProgress
    /// At most `concurrency` requests in flight over the whole batch.
    private let requests: AsyncSemaphore
    private let state = Mutex(State())

    private struct State {
        var stop: StopReason?
        var succeededRequests = 0
        var consecutiveFatal = 0
        var strayUploadChecks = true
    }

    /// Whether jobs still look for uploads that a lost InitiateMultipartUpload answer started (off once the
    /// credentials proved unable to list uploads, or the server cannot: asking again for every job would only
    /// repeat the answer).
    var checksStrayUploads: Bool { state.withLock { $0.strayUploadChecks } }

    /// Turns the check off; true for the one call that did (so concurrent jobs warn once between them).
    @discardableResult
    func stopCheckingStrayUploads() -> Bool {
        state.withLock { s in
            defer { s.strayUploadChecks = false }
            return s.strayUploadChecks
        }
    }

    init(client: OSSClient, bucket: String, settings: UploadSettings, logger: Logger, progress: BatchProgress) {
        self.client = client
        self.bucket = bucket
        self.settings = settings
        checkpoints = CheckpointStore(directory: settings.checkpointDir)
        self.logger = logger
        self.progress = progress
        requests = AsyncSemaphore(permits: settings.concurrency)
    }

    var stopReason: StopReason? { state.withLock { $0.stop } }
    var isStopping: Bool { stopReason != nil }

    func requestStop(_ reason: StopReason) {
        state.withLock { s in
            if s.stop == nil { s.stop = reason }
        }
    }

    /// Runs one client call (one request, with the client's own retries) under the global request limit,
    /// and watches its outcome for batch-fatal errors. `watched: false` is for housekeeping that a job can do
    /// without (looking for stray uploads): a policy that denies it must not stop the batch.
    func send<T: Sendable>(_ tally: JobTally, watched: Bool = true, _ call: () async throws -> T) async throws -> T {
        do {
            let result = try await requests.withPermit(call)
            state.withLock { s in
                s.succeededRequests += 1
                s.consecutiveFatal = 0
            }
            return result
        } catch let error as OSSError {
            tally.addAttempts(error.attempts)
            if watched { observe(error) }
            throw error
        }
    }

    /// Batch-fatal codes stop the batch when they come three times in a row, or at once when no request of
    /// this run has succeeded yet (a wrong key or a missing bucket fails everything; there is no point in
    /// failing 100,000 jobs one by one). A server without CRC-64 under `verify: crc64`, and credentials that
    /// could not be renewed, stop it at once: every next request would end the same way.
    func observe(_ error: OSSError) {
        var stopsAtOnce = false
        switch error {
        case .missingCRC64, .credentials: stopsAtOnce = true
        default: break
        }
        if stopsAtOnce {
            let jobError = JobError(error)
            if !isStopping { logger.error("stopping the batch: \(jobError)") }
            requestStop(.fatal(jobError))
            return
        }
        guard case .service(let e, _) = error, JobError.batchFatalCodes.contains(e.code) else {
            state.withLock { $0.consecutiveFatal = 0 }
            return
        }
        let trip = state.withLock { s -> Bool in
            s.consecutiveFatal += 1
            return s.succeededRequests == 0 || s.consecutiveFatal >= 3
        }
        if trip {
            let jobError = JobError(error)
            if !isStopping { logger.error("stopping the batch: \(jobError)") }
            requestStop(.fatal(jobError))
        }
    }
}
