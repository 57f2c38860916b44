import OSSProtocol

extension RetryPolicy {
    /// Codes that are retried whatever their status (timeouts on the server side, a clock to correct).
    public static let retryableCodes: Set<OSSErrorCode> = [.requestTimeout, .incompleteBody, .requestTimeTooSkewed]

    /// Whether sending the same request again may succeed: transport failures (but not an untrusted
    /// certificate, a local read error or a cancellation), 5xx but 501 `NotImplemented`, 408, 429, and the codes in `retryableCodes`.
    /// Credentials, missing buckets or uploads, invalid arguments and 203 CallbackFailed are final.
    /// A CRC-64 mismatch (`.integrity`) is retryable here; `OSSClient` allows it `integrityRetries` times only.
    public func isRetryable(_ error: OSSError) -> Bool {
        switch error {
        case .transport(let transport, _):
            switch transport {
            case .connect, .timeout, .stalled, .reset, .tls, .notHTTP, .other: return true
            case .certificate, .bodyRead, .responseTooLarge, .cancelled, .unsendable: return false
            }
        case .service(let service, _):
            if Self.retryableCodes.contains(service.code) { return true }
            // 501: the server does not have the operation at all; asking again changes nothing.
            if service.httpStatus == 501 || service.code == .notImplemented { return false }
            return service.httpStatus >= 500 || service.httpStatus == 408 || service.httpStatus == 429
        case .integrity:
            return true
        case .invalidResponse, .missingCRC64, .credentials:
            return false
        }
    }

    /// Seconds `baseDelay` and `maxDelay` may be: a retry that would wait longer than an hour is better
    /// left to `resume`.
    public static let delayRange: ClosedRange<Double> = 0...3600

    /// Seconds to wait before retry `n` (0 = the first retry): equal jitter of `min(baseDelay · 2^n, maxDelay)`,
    /// i.e. half of it fixed and half uniformly random, so retries spread out but never come back at once.
    /// Always within `delayRange`, whatever the policy holds (a hand-edited report is read back too), so the
    /// caller's conversion to nanoseconds cannot trap.
    public func delay<G: RandomNumberGenerator>(forRetry n: Int, using generator: inout G) -> Double {
        let exponent = Double(min(max(n, 0), 62))
        let ceiling = min(baseDelay * pow2(exponent), maxDelay, Self.delayRange.upperBound)
        guard ceiling > 0 else { return 0 }  // also NaN
        let half = ceiling / 2
        return half + Double.random(in: 0...half, using: &generator)
    }

    public func delay(forRetry n: Int) -> Double {
        var generator = SystemRandomNumberGenerator()
        return delay(forRetry: n, using: &generator)
    }

    /// How many times a CRC-64 mismatch is re-sent before `.integrity` is thrown: once. A second mismatch on
    /// the same bytes points at a disk or memory fault, or a broken server, which more retries will not fix.
    public static let integrityRetries = 1
}

private func pow2(_ exponent: Double) -> Double {
    var result = 1.0
    var n = Int(exponent)
    while n > 0 {
        result *= 2
        n -= 1
    }
    return result
}
