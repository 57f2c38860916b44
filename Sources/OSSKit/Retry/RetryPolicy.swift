/// When and how long to wait before a failed request is sent again.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Total attempts, the first included (1 = never retry).
    public var attempts: Int
    /// Seconds; the n-th retry waits about `min(baseDelay * 2^n, maxDelay)`, with equal jitter.
    public var baseDelay: Double
    public var maxDelay: Double

    public init(attempts: Int = 6, baseDelay: Double = 0.2, maxDelay: Double = 20) {
        self.attempts = attempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }
}
