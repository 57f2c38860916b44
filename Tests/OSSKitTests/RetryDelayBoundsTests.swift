import OSSKit
import Testing

/// A policy read back from a hand-edited report may hold any delay: the wait is still within
/// `delayRange`, so turning it into nanoseconds cannot trap.
@Suite struct RetryDelayBoundsTests {
    @Test(arguments: [1e23, 2e10, .infinity, .nan, -5])
    func delayStaysWithinTheRangeWhateverThePolicyHolds(value: Double) {
        for policy in [
            RetryPolicy(attempts: 3, baseDelay: value, maxDelay: 20),
            RetryPolicy(attempts: 3, baseDelay: 0.2, maxDelay: value),
            RetryPolicy(attempts: 3, baseDelay: value, maxDelay: value),
        ] {
            for n in [0, 1, 30, 62, 1000] {
                let delay = policy.delay(forRetry: n)
                #expect(RetryPolicy.delayRange.contains(delay), "\(policy) retry \(n): \(delay)")
                #expect(UInt64(exactly: (delay * 1e9).rounded(.down)) != nil)
            }
        }
    }
}
