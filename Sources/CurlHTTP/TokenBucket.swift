/// A token bucket in bytes for the send-rate limit. Owned by the driver thread; not thread-safe.
struct TokenBucket {
    /// Refill rate, bytes per second (> 0).
    let rate: Int64
    /// The most bytes that may go out in one burst: a tenth of a second's worth, at least 16 KiB.
    let capacity: Int64
    private var tokens: Int64
    private var last: ContinuousClock.Instant

    init(bytesPerSecond: Int64) {
        // At most 1 TiB/s (the manifest's own limit), so `seconds * rate` below cannot overflow for a
        // value read back from a hand-edited report.
        rate = min(max(1, bytesPerSecond), 1 << 40)
        capacity = max(16 * 1024, rate / 10)
        tokens = capacity
        last = .now
    }

    /// Grants up to `wanted` bytes now (0 when the bucket is empty).
    mutating func take(upTo wanted: Int64) -> Int64 {
        refill()
        let granted = min(wanted, tokens)
        guard granted > 0 else { return 0 }
        tokens -= granted
        return granted
    }

    /// True when enough tokens have accumulated to make unpausing a transfer worthwhile.
    mutating func canResume() -> Bool {
        refill()
        return tokens >= min(capacity, 4096)
    }

    /// Milliseconds until `canResume` is expected to become true (at least 1).
    var millisecondsUntilResume: Int {
        let missing = max(0, min(capacity, 4096) - tokens)
        return max(1, Int(missing * 1000 / rate))
    }

    private mutating func refill() {
        let now = ContinuousClock.now
        let elapsed = now - last
        let (seconds, attoseconds) = elapsed.components
        // A bucket idle for days is simply full: the elapsed seconds are capped well below overflow.
        let earned = min(seconds, 1 << 20) * rate + Int64(Double(attoseconds) * 1e-18 * Double(rate))
        guard earned > 0 else { return }
        tokens = min(capacity, tokens + earned)
        last = now
    }
}
