import OSSKit

/// The `upload:` section, resolved: how the engine runs the batch.
public struct UploadSettings: Sendable, Hashable, Codable {
    /// HTTP requests in flight across the whole batch.
    public var concurrency: Int
    /// Multipart uploads open at once.
    public var filesInFlight: Int
    public var partSize: Int64
    public var multipartThreshold: Int64
    public var verify: VerifyMode
    /// Absolute path (in a `Manifest`, as written).
    public var checkpointDir: String
    /// Relative to the manifest's directory.
    public static let defaultCheckpointDir = ".ossbatch/checkpoints"
    public var retry: RetryPolicy
    public var ifExists: IfExists
    /// Bytes per second over the batch; 0 = unlimited.
    public var bandwidth: Int64

    public init(
        concurrency: Int = 16,
        filesInFlight: Int = 8,
        partSize: Int64 = 8 << 20,
        multipartThreshold: Int64 = 16 << 20,
        verify: VerifyMode = .crc64,
        checkpointDir: String = UploadSettings.defaultCheckpointDir,
        retry: RetryPolicy = RetryPolicy(),
        ifExists: IfExists = .overwrite,
        bandwidth: Int64 = 0
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
    }
}
