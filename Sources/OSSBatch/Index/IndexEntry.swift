/// One row of the upload index: an object ossbatch confirmed, and the version of the local file it holds.
package struct IndexEntry: Sendable, Hashable {
    package var key: String
    package var source: String
    package var identity: SourceIdentity
    /// Status-change time of the file (ns), read before its bytes were: a write with the mtime put back
    /// still moves it.
    package var ctimeNanoseconds: Int64
    package var crc64: UInt64
    package var etag: String
    /// `ObjectOptions.indexHash` of the options the object was sent with, or `optionsUnknown`.
    package var optionsHash: Int64
    /// Seconds since the epoch when the outcome was recorded.
    package var uploadedAt: Int64
    /// The report (batch) that uploaded it: its path when written; read back, the report's row id.
    package var report: String

    package init(
        key: String,
        source: String,
        identity: SourceIdentity,
        ctimeNanoseconds: Int64,
        crc64: UInt64,
        etag: String,
        optionsHash: Int64,
        uploadedAt: Int64,
        report: String
    ) {
        self.key = key
        self.source = source
        self.identity = identity
        self.ctimeNanoseconds = ctimeNanoseconds
        self.crc64 = crc64
        self.etag = etag
        self.optionsHash = optionsHash
        self.uploadedAt = uploadedAt
        self.report = report
    }

    /// The options hash of an object ossbatch did not send but found identical (`if_exists: skip`: HEAD
    /// showed the file's size and CRC-64) where the index knew of no options it had been sent with: its options
    /// are whatever it already had. Such an entry counts as unchanged only under `if_exists: skip`, which keeps
    /// an identical object whatever its options. (A real hash is this value once in 2^64.)
    package static let optionsUnknown = Int64.min

    /// The same local file version (path, size, mtime, ctime, inode, device), whatever the key.
    package func sameVersion(as job: UploadJob, ctime: Int64) -> Bool {
        source == job.source && identity == job.identity && ctimeNanoseconds == ctime
    }
}
