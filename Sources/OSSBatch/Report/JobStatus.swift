/// Where a job stands.
package enum JobStatus: String, Sendable, Codable, Hashable {
    /// Not finished: never started, interrupted, or stopped early by a fatal error.
    case pending
    /// OSS confirmed the object and its CRC-64 (or MD5) matched what was read from disk.
    case succeeded
    /// `if_exists: skip` found an identical object already there.
    case skipped
    /// Gave up after retries; `error` says why. `resume` tries it again.
    case failed
}
