import Testing

@testable import CurlHTTP

/// The send-rate limiter, on a hand-stepped clock.
@Suite struct TokenBucketTests {
    let start = ContinuousClock.now

    @Test func aFreshBucketAllowsOneBurstOfItsCapacityThenNothing() {
        var bucket = TokenBucket(bytesPerSecond: 1_000_000, now: start)
        #expect(bucket.capacity == 100_000)  // a tenth of a second's worth
        #expect(bucket.take(upTo: 60_000, now: start) == 60_000)
        #expect(bucket.take(upTo: 60_000, now: start) == 40_000)
        #expect(bucket.take(upTo: 60_000, now: start) == 0)
        #expect(bucket.take(upTo: 0, now: start) == 0)
    }

    @Test func capacityIsAtLeast16KiBAndTheRateAtLeastOneByte() {
        #expect(TokenBucket(bytesPerSecond: 1000, now: start).capacity == 16 * 1024)
        let zero = TokenBucket(bytesPerSecond: 0, now: start)
        #expect(zero.rate == 1)
        #expect(TokenBucket(bytesPerSecond: -5, now: start).rate == 1)
    }

    @Test func refillsAtTheRateUpToCapacity() {
        var bucket = TokenBucket(bytesPerSecond: 1_000_000, now: start)
        _ = bucket.take(upTo: .max, now: start)
        #expect(bucket.take(upTo: .max, now: start + .milliseconds(10)) == 10_000)
        #expect(bucket.take(upTo: .max, now: start + .milliseconds(10) + .microseconds(1500)) == 1_500)
        // A long idle spell earns no more than one burst.
        #expect(bucket.take(upTo: .max, now: start + .seconds(60)) == 100_000)
    }

    /// Polled every millisecond at a rate that earns 1.5 bytes per poll, the bucket must still deliver the
    /// configured rate: fractions of a byte carry over to the next poll instead of being dropped.
    @Test(arguments: [100, 1_500, 33_333, 1_000_000] as [Int64])
    func longRunRateIsTheConfiguredRateHoweverOftenItIsPolled(rate: Int64) {
        var bucket = TokenBucket(bytesPerSecond: rate, now: start)
        let burst = bucket.take(upTo: .max, now: start)
        var sent: Int64 = 0
        for ms in 1...10_000 {
            sent += bucket.take(upTo: .max, now: start + .milliseconds(ms))
        }
        // Ten seconds at `rate`, give or take one byte.
        #expect(abs(sent - rate * 10) <= 1, "sent \(sent) at \(rate) B/s after the \(burst)-byte burst")
    }

    @Test func resumeWaitsFor4KiBOfTokensAndSaysHowLongThatTakes() {
        var bucket = TokenBucket(bytesPerSecond: 1_024_000, now: start)
        _ = bucket.take(upTo: .max, now: start)
        #expect(bucket.canResume(now: start) == false)
        #expect(bucket.millisecondsUntilResume == 4)  // 4096 B at 1000 KiB/s
        #expect(bucket.canResume(now: start + .milliseconds(3)) == false)
        #expect(bucket.millisecondsUntilResume == 1)  // 3072 B earned, 1024 B to go
        #expect(bucket.canResume(now: start + .milliseconds(4)) == true)
        #expect(bucket.millisecondsUntilResume == 1)  // never 0: the driver always sleeps a little
    }

    @Test func slowRatesWaitLongerThanASecondForAResume() {
        var bucket = TokenBucket(bytesPerSecond: 1000, now: start)
        _ = bucket.take(upTo: .max, now: start)
        #expect(bucket.millisecondsUntilResume == 4096)
        #expect(bucket.canResume(now: start + .milliseconds(4095)) == false)
        #expect(bucket.canResume(now: start + .milliseconds(4096)) == true)
    }
}
