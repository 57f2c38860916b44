/// A token bucket in bytes for the send-rate limit. Owned by the driver thread; not thread-safe.
/// Every method takes the current instant (the clock by default), so tests can step time by hand.
struct TokenBucket {
    /// Refill rate, bytes per second (> 0).
    let rate: Int64
    /// The most bytes that may go out in one burst: a tenth of a second's worth, at least 16 KiB.
    let capacity: Int64
    private var tokens: Int64
    private var last: ContinuousClock.Instant

    init(bytesPerSecond: Int64, now: ContinuousClock.Instant = .now) {
        // At most 1 TiB/s (the manifest's own limit), for a value read back from a hand-edited report.
        rate = min(max(1, bytesPerSecond), 1 << 40)
        capacity = max(16 * 1024, rate / 10)
        tokens = capacity
        last = now
    }

    /// Grants up to `wanted` bytes now (0 when the bucket is empty).
    mutating func take(upTo wanted: Int64, now: ContinuousClock.Instant = .now) -> Int64 {
        refill(now)
        let granted = min(wanted, tokens)
        guard granted > 0 else { return 0 }
        tokens -= granted
        return granted
    }

    /// True when enough tokens have accumulated to make unpausing a transfer worthwhile.
    mutating func canResume(now: ContinuousClock.Instant = .now) -> Bool {
        refill(now)
        return tokens >= min(capacity, 4096)
    }

    /// Milliseconds until `canResume` is expected to become true (at least 1).
    var millisecondsUntilResume: Int {
        let missing = max(0, min(capacity, 4096) - tokens)
        return max(1, Int(missing * 1000 / rate))
    }

    /// Adds the whole bytes earned since `last` and moves `last` on by exactly the time they took, so the
    /// fraction of a byte earned so far carries over: polled often, a slow rate still delivers its rate.
    private mutating func refill(_ now: ContinuousClock.Instant) {
        let elapsed = now - last
        // Past the time to fill up from empty the bucket is full; this also bounds the arithmetic below.
        guard elapsed < .seconds(capacity / rate + 1) else {
            tokens = capacity
            last = now
            return
        }
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        // earned = nanoseconds × rate / 10⁹, through a 128-bit product (it can pass Int64.max at high rates).
        let earned = Self.nanosecondsPerSecond.dividingFullWidth(nanoseconds.multipliedFullWidth(by: rate)).quotient
        guard earned > 0 else { return }
        if tokens + earned >= capacity {
            tokens = capacity
            last = now
            return
        }
        tokens += earned
        // The time `earned` bytes take at `rate`, rounded down (so `last` never passes `now`).
        let spent = rate.dividingFullWidth(earned.multipliedFullWidth(by: Self.nanosecondsPerSecond)).quotient
        last += .nanoseconds(spent)
    }

    private static let nanosecondsPerSecond: Int64 = 1_000_000_000
}
