import CurlHTTP
import OSSKit
import TestSupport
import Testing

@Suite struct RetryPolicyTests {
    private func service(_ status: Int, _ code: String) -> OSSError {
        .service(OSSServiceError(httpStatus: status, code: code, message: "m", requestID: "r"), attempts: 1)
    }

    @Test func retriesNetworkServerAndThrottlingFailures() {
        let policy = RetryPolicy()
        let retryable: [OSSError] = [
            .transport(.connect("refused"), attempts: 1), .transport(.timeout("slow"), attempts: 1),
            .transport(.reset("rst"), attempts: 1), .transport(.tls("handshake"), attempts: 1),
            service(500, "InternalError"), service(503, "ServiceUnavailable"), service(408, "RequestTimeout"),
            service(429, "TooManyRequests"), service(400, "RequestTimeout"), service(400, "IncompleteBody"),
            service(403, "RequestTimeTooSkewed"), .integrity(expected: 1, received: 2, requestID: "r"),
        ]
        for error in retryable { #expect(policy.isRetryable(error), "\(error)") }
    }

    @Test func neverRetriesCredentialArgumentOrMissingResourceErrors() {
        let policy = RetryPolicy()
        let final: [OSSError] = [
            service(403, "AccessDenied"), service(403, "InvalidAccessKeyId"), service(403, "SignatureDoesNotMatch"),
            service(404, "NoSuchBucket"), service(404, "NoSuchUpload"), service(400, "InvalidArgument"),
            service(400, "EntityTooSmall"), service(400, "InvalidPart"), service(409, "FileAlreadyExists"),
            service(203, "CallbackFailed"), .transport(.certificate("untrusted"), attempts: 1),
            .transport(.cancelled, attempts: 1), .transport(.bodyRead("EIO"), attempts: 1),
            .invalidResponse("bad xml", requestID: "r"),
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
