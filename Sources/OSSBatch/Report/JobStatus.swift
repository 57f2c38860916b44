/// Where a job stands.
package enum JobStatus: String, Sendable, Codable, Hashable {
    /// Not finished: never started, interrupted, or stopped early by a fatal error.
    case pending
    /// OSS confirmed the object and its CRC-64 (or MD5) matched what was read from disk.
    case succeeded
    /// Not uploaded, and not to be tried again by `resume`: `reason` says why (an identical object is
    /// already there, or the file could not be read or had vanished).
    case skipped
    /// Gave up after retries; `error` says why. `resume` tries it again.
    case failed
}
