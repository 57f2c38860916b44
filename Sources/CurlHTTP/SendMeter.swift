import Synchronization

/// Counts request-body bytes and applies the optional send-rate limit shared by every transfer of a client.
///
/// `bytesSent` is atomic (read by any thread); everything else is touched only on the driver thread,
/// from inside curl's callbacks or the driver loop.
final class SendMeter: @unchecked Sendable {
    let bytesSent = Atomic<Int64>(0)
    private var bucket: TokenBucket?
    /// Transfers whose read callback returned `CURL_READFUNC_PAUSE` and wait for tokens.
    var paused: [Transfer] = []

    init(bytesPerSecond: Int64) {
        bucket = bytesPerSecond > 0 ? TokenBucket(bytesPerSecond: bytesPerSecond) : nil
    }

    /// How many of `wanted` bytes may be sent now; 0 means pause.
    func grant(_ wanted: Int64) -> Int64 {
        guard bucket != nil else { return wanted }
        return bucket!.take(upTo: wanted)
    }

    func record(_ count: Int64) {
        bytesSent.add(count, ordering: .relaxed)
    }

    /// True when paused transfers may be resumed now.
    func canResume() -> Bool {
        guard bucket != nil else { return true }
        return bucket!.canResume()
    }

    /// How long the driver may sleep before it should look at paused transfers again.
    var resumeDelayMilliseconds: Int {
        guard let bucket else { return 1 }
        return min(50, bucket.millisecondsUntilResume)
    }
}
