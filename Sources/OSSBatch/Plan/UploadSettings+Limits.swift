import OSSKit

/// The values each upload setting may take. The manifest refuses anything outside them at `plan`, with the
/// range in the message, so `run` never meets a value with no sane meaning.
extension UploadSettings {
    /// Requests in flight: at least one; past 1024 the machine, not OSS, is the bottleneck.
    package static let concurrencyRange = 1...1024
    package static let filesInFlightRange = 1...1024
    /// OSS's smallest and largest part.
    package static let partSizeRange: ClosedRange<Int64> = PartPlanner.minimumPartSize...PartPlanner.maximumPartSize
    /// A file of at least this size goes up in parts; the threshold cannot exceed the largest PutObject
    /// (5 GiB), or bigger files would be sent whole and refused.
    package static let multipartThresholdRange: ClosedRange<Int64> = 1...PartPlanner.maximumPutSize
    /// Bytes per second when limited (0 means unlimited): below 1 KiB/s a part would take hours; above
    /// 1 TiB/s no link exists, and the rate is kept far from overflowing the token bucket's arithmetic.
    package static let bandwidthRange: ClosedRange<Int64> = 1024...(1 << 40)
    package static let attemptsRange = 1...100
    /// Seconds, for `base_delay` and `max_delay`.
    package static let retryDelayRange = RetryPolicy.delayRange
    /// Seconds, for `stall_timeout`: below 10 s a busy machine's pause looks like a stall; a day is as good
    /// as never.
    package static let stallTimeoutRange: ClosedRange<Double> = 10...86_400
}

extension UploadSettings {
    /// The fewest bytes a second a request should get under a cap when every request in flight is sending:
    /// twice the transport's low-speed limit (1 KiB/s for 30 s ends a request as stalled).
    package static let smallestBandwidthShare: Int64 = 2 * 1024

    /// What each request gets when `concurrency` requests share `bandwidth` at once; `nil` without a cap.
    package var bandwidthShare: Int64? { bandwidth > 0 ? bandwidth / Int64(max(1, concurrency)) : nil }
}
