import OSSKit
import OSSProtocol
import TestSupport
import Testing

@Suite struct RetryPolicyTests {
    private func service(_ status: Int, _ code: OSSErrorCode) -> OSSError {
        .service(OSSServiceError(httpStatus: status, code: code, message: "m", requestID: "r"), attempts: 1)
    }

    @Test func retriesNetworkServerAndThrottlingFailures() {
        let policy = RetryPolicy()
        let retryable: [OSSError] = [
            .transport(.connect("refused"), attempts: 1), .transport(.timeout("slow"), attempts: 1),
            .transport(.reset("rst"), attempts: 1), .transport(.tls("handshake"), attempts: 1),
            service(500, .internalError), service(503, .serviceUnavailable), service(408, .requestTimeout),
            service(429, .tooManyRequests), service(400, .requestTimeout), service(400, .incompleteBody),
            service(403, .requestTimeTooSkewed), .integrity(expected: 1, received: 2, requestID: "r"),
        ]
        for error in retryable { #expect(policy.isRetryable(error), "\(error)") }
    }

    @Test func neverRetriesCredentialArgumentOrMissingResourceErrors() {
        let policy = RetryPolicy()
        let final: [OSSError] = [
            service(403, .accessDenied), service(403, .invalidAccessKeyId), service(403, .signatureDoesNotMatch),
            service(404, .noSuchBucket), service(404, .noSuchUpload), service(400, .invalidArgument),
            service(400, .entityTooSmall), service(400, .invalidPart), service(409, .fileAlreadyExists),
            service(203, .callbackFailed), .transport(.certificate("untrusted"), attempts: 1),
            .transport(.cancelled, attempts: 1), .transport(.bodyRead("EIO"), attempts: 1),
            .transport(.responseTooLarge(limit: 64 << 20), attempts: 1), .invalidResponse("bad xml", requestID: "r"),
            service(501, .notImplemented),
            .missingCRC64(operation: "PutObject", requestID: "r"),
        ]
        for error in final { #expect(!policy.isRetryable(error), "\(error)") }
    }

    @Test func delayIsEqualJitterOfTheCappedExponential() {
        let policy = RetryPolicy(attempts: 10, baseDelay: 0.2, maxDelay: 5)
        var generator = SeededRandom()
        for n in 0..<10 {
            let ceiling = min(0.2 * Double(1 << n), 5)
            for _ in 0..<50 {
                let d = policy.delay(forRetry: n, using: &generator)
                #expect(d >= ceiling / 2 && d <= ceiling, "retry \(n): \(d), \(generator)")
            }
        }
        // Jitter is real: many draws are not all the same.
        let draws = Set((0..<20).map { _ in policy.delay(forRetry: 3, using: &generator) })
        #expect(draws.count > 1)
        #expect(RetryPolicy(baseDelay: 0, maxDelay: 0).delay(forRetry: 4) == 0)
    }
}
