import Digests
import OSSProtocol

extension OSSClient {
    /// What a request throws when no credentials came: a wait cut short by cancellation (a halted run) is
    /// the request's cancellation; anything else, the source's failure.
    private static func credentialsFailure(_ error: CredentialsUnavailable, attempt: Int) -> OSSError {
        Task.isCancelled ? .transport(.cancelled, attempts: attempt) : .credentials(error)
    }

    /// Signs and sends `operation`, retrying per the policy, and hands an accepted response to `interpret`
    /// (whose `OSSError`s — integrity, unreadable answers — go through the same retry decision).
    func perform<T>(
        _ operation: OperationSpec,
        _ interpret: (HTTPResponse, _ attempt: Int) throws(OSSError) -> T
    ) async throws(OSSError) -> T {
        let endpoint: Endpoint
        switch self.endpoint {
        case .success(let e): endpoint = e
        case .failure(let e): throw .transport(.unsendable(e.message), attempts: 0)
        }
        let policy = configuration.retry
        var attempt = 0
        var integrityFailures = 0
        var replacedCredentials = false
        var resentAtServerTime = false
        while true {
            attempt += 1
            if let beforeAttempt = configuration.beforeAttempt {
                // Held, then given up or cancelled (a stopped or halted run): this attempt was not sent.
                do { try await beforeAttempt() } catch { throw .transport(.cancelled, attempts: attempt - 1) }
                if Task.isCancelled { throw .transport(.cancelled, attempts: attempt - 1) }
            }
            var failure: OSSError
            let signing: Credentials
            do throws(CredentialsUnavailable) {
                signing = try await credentials.credentials()
            } catch {
                throw Self.credentialsFailure(error, attempt: attempt)
            }
            if let problem = signing.problem {
                throw .credentials(CredentialsUnavailable("\(problem); from \(credentials)", permanent: true))
            }
            let (outcome, mayRetry) = await sendOnce(
                operation,
                endpoint: endpoint,
                credentials: signing,
                attempt: attempt
            )
            switch outcome {
            case .success(let response):
                do throws(OSSError) {
                    return try interpret(response, attempt)
                } catch {
                    failure = error
                }
            case .failure(let error):
                failure = error
            }
            failure = failure.redacting([signing.accessKeySecret, signing.securityToken ?? ""])
            // An expired or revoked token: renewed credentials, once, then the same request again at once — not
            // a retry, so under `retries.attempts: 1` too (it allowed none there, and a token rotated in a file
            // stopped the batch; review of b7bf3fd). So is a key OSS does not know or whose signature does not
            // match: a key pair rotated in a credentials file, the old one disabled, stopped the night (the file
            // is read again only every 5 minutes; review of e4ab55a). The source giving the same ones back
            // (nothing rotated) leaves the refusal as it was.
            if let code = failure.code,
                code == .securityTokenExpired || code == .invalidSecurityToken || code == .invalidAccessKeyId
                    || code == .signatureDoesNotMatch,
                !replacedCredentials
            {
                replacedCredentials = true
                do throws(CredentialsUnavailable) {
                    if try await credentials.credentials(replacing: signing) != nil { continue }
                } catch {
                    // Said with what OSS refused: the source's problem alone (a credentials file caught half
                    // rewritten) is gone by morning, and the refusal is what set the night off.
                    var refused = error
                    var requestID = ""
                    if case .service(let e, _) = failure, !e.requestID.isEmpty {
                        requestID = ", request id \(e.requestID)"
                    }
                    refused.message =
                        "OSS refused the credentials (\(code.rawValue)\(requestID)) and they could not be renewed: "
                        + error.message
                    throw Self.credentialsFailure(refused, attempt: attempt)
                }
            }
            // A clock OSS found skewed, and corrected by its answer's Date: the same request again at once, signed
            // at OSS's time, once — not a retry, as for a renewed token, so under `retries.attempts: 1` too (there,
            // every job in flight when the first answer came failed; review of b827939).
            if failure.code == .requestTimeTooSkewed, mayRetry, !resentAtServerTime {
                resentAtServerTime = true
                continue
            }
            var retryable = mayRetry && policy.isRetryable(failure)
            if case .integrity = failure {
                integrityFailures += 1
                retryable = integrityFailures <= RetryPolicy.integrityRetries
            }
            guard retryable, attempt < policy.attempts, !Task.isCancelled else { throw failure.counting(attempt) }
            let delay = policy.delay(forRetry: attempt - 1)
            configuration.onRetry?(
                RetryEvent(
                    operation: operation.name,
                    bucket: operation.bucket ?? "",
                    key: operation.key,
                    attempt: attempt,
                    error: failure,
                    delay: delay
                )
            )
            do {
                try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
            } catch {
                throw .transport(.cancelled, attempts: attempt)
            }
        }
    }

    /// One signed attempt: a response this operation accepts, or the error it amounts to; `mayRetry` is false
    /// when a retry is known to be pointless even if the error is of a retryable kind.
    private func sendOnce(
        _ operation: OperationSpec,
        endpoint: Endpoint,
        credentials: Credentials,
        attempt: Int
    ) async -> (Result<HTTPResponse, OSSError>, mayRetry: Bool) {
        var request = SignableRequest(
            method: operation.method,
            bucket: operation.bucket,
            key: operation.key,
            query: operation.query,
            headers: operation.headers
        )
        sign(&request, with: credentials)
        let http = HTTPRequest(
            method: operation.method,
            url: endpoint.url(for: request, addressing: configuration.addressing),
            headers: request.headers,
            body: operation.body
        )
        let response: HTTPResponse
        do {
            response = try await transport.send(http)
        } catch let transport as HTTPTransportError {
            return (.failure(.transport(transport, attempts: attempt)), true)
        } catch is CancellationError {
            return (.failure(.transport(.cancelled, attempts: attempt)), false)
        } catch {
            return (.failure(.transport(.other(code: -1, message: String(describing: error)), attempts: attempt)), true)
        }
        if operation.accepts(response.status) { return (.success(response), true) }
        // Only a proxy answers 407 (OSS never does): the service was not reached. A connection failure, so that a
        // batch stops as unreachable through the proxy (as for an `https://` endpoint, whose CONNECT meets it)
        // rather than failing every job at once as "HTTP 407" with no proxy named (review of c56b4e6).
        if response.status == 407 {
            let refused = HTTPTransportError.connect("the proxy refused the request: 407 Proxy Authentication Required")
            return (.failure(.transport(refused, attempts: attempt)), true)
        }
        var service = OSSServiceError(response: response)
        if response.status == 203 {
            // OSS stored the object but the callback receiver failed (`CallbackFailed`); keep its whole answer.
            service.details["body"] = String(decoding: response.body, as: UTF8.self)
        }
        // Without the server's time a retry would be just as skewed: then the error is final.
        let corrected = service.code != .requestTimeTooSkewed || clock.correct(serverDate: response.header("Date"))
        return (.failure(.service(service, attempts: attempt)), corrected)
    }

    /// Adds the date, token and Authorization headers for the configured signature version at the
    /// skew-corrected time.
    func sign(_ request: inout SignableRequest, with credentials: Credentials) {
        let now = clock.now()
        switch configuration.signature {
        case .v4: SignerV4(credentials: credentials, region: configuration.region).sign(&request, at: now)
        case .v1: SignerV1(credentials: credentials).sign(&request, at: now)
        }
    }
}
