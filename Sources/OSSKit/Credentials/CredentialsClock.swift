import Foundation

/// The clocks a `RefreshingCredentialsProvider` reads. Lifetimes are counted on `elapsed`, a clock that only
/// moves forward and that no one sets: this machine's wall clock may be hours off the source's (a token
/// lasting two hours then looks expired at once, and is fetched again for every request) or be stepped during
/// a run (NTP after a VM resumed), and neither may make valid credentials look expired, or expired ones valid.
public struct CredentialsClock: Sendable {
    /// This machine's time: read only for an answer that carries no `Date` of its own.
    public var wall: @Sendable () -> Date
    /// Seconds since an arbitrary origin on a monotonic clock (`ContinuousClock`, which counts a suspended
    /// machine's sleep too, as a token's expiry does).
    public var elapsed: @Sendable () -> TimeInterval

    public init(wall: @escaping @Sendable () -> Date, elapsed: @escaping @Sendable () -> TimeInterval) {
        self.wall = wall
        self.elapsed = elapsed
    }

    private static let origin = ContinuousClock.now

    /// This machine's clocks.
    public static let system = CredentialsClock(
        wall: { Date() },
        elapsed: {
            let (seconds, attoseconds) = (ContinuousClock.now - origin).components
            return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
        }
    )
}
