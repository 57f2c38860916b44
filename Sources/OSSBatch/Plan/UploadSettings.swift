import OSSKit

/// The `upload:` section, resolved: how the engine runs the batch.
package struct UploadSettings: Sendable, Hashable, Codable {
    /// HTTP requests in flight across the whole batch.
    package var concurrency: Int
    /// Multipart uploads open at once.
    package var filesInFlight: Int
    package var partSize: Int64
    package var multipartThreshold: Int64
    package var verify: VerifyMode
    /// Absolute path (in a `Manifest`, as written: empty when the manifest names none).
    package var checkpointDir: String
    /// Empty: the planner puts the checkpoints in the state directory, `STATE/BATCH/checkpoints`.
    package static let defaultCheckpointDir = ""
    package var retry: RetryPolicy
    package var ifExists: IfExists
    /// Bytes per second over the batch; 0 = unlimited.
    package var bandwidth: Int64
    /// What the upload index is used for (`upload` keeps no index).
    package var unchanged: UnchangedPolicy
    /// Whether the objects the index vouches for are checked on the server first (`run --verify-remote`).
    package var verifyRemote: RemoteVerification
    /// Seconds a run may go without progress (no byte sent, no request ended, no file finished) before it
    /// stops as stalled (`RunWatchdog`).
    package var stallTimeout: Double
    package static let defaultStallTimeout: Double = 600

    package init(
        concurrency: Int = 16,
        filesInFlight: Int = 8,
        partSize: Int64 = 8 << 20,
        multipartThreshold: Int64 = 16 << 20,
        verify: VerifyMode = .crc64,
        checkpointDir: String = UploadSettings.defaultCheckpointDir,
        retry: RetryPolicy = RetryPolicy(),
        ifExists: IfExists = .overwrite,
        bandwidth: Int64 = 0,
        unchanged: UnchangedPolicy = .upload,
        verifyRemote: RemoteVerification = .none,
        stallTimeout: Double = UploadSettings.defaultStallTimeout
    ) {
        self.concurrency = concurrency
        self.filesInFlight = filesInFlight
        self.partSize = partSize
        self.multipartThreshold = multipartThreshold
        self.verify = verify
        self.checkpointDir = checkpointDir
        self.retry = retry
        self.ifExists = ifExists
        self.bandwidth = bandwidth
        self.unchanged = unchanged
        self.verifyRemote = verifyRemote
        self.stallTimeout = stallTimeout
    }
}
