import OSSProtocol

/// Everything an `OSSClient` call can throw. Descriptions never contain the secret or the token.
public enum OSSError: Error, Sendable, CustomStringConvertible {
    /// OSS answered with an error status.
    case service(OSSServiceError, attempts: Int)
    /// No complete response (connect, timeout, reset, TLS).
    case transport(HTTPTransportError, attempts: Int)
    /// The server's CRC-64 differs from the one computed over the bytes sent. `attempts` (as for the rest)
    /// counts the requests sent, the re-sent one included: `OSSClient` sets it when it gives up.
    case integrity(expected: UInt64, received: UInt64, requestID: String, attempts: Int = 1)
    /// A 2xx answer that could not be understood (bad XML, missing header).
    case invalidResponse(String, requestID: String, attempts: Int = 1)
    /// An upload that had to be proven by CRC-64 was answered without `x-oss-hash-crc64ecma`: the server does
    /// not compute CRC-64 (every upload to it would end the same way), so only another check can prove it.
    case missingCRC64(operation: String, requestID: String, attempts: Int = 1)
    /// No credentials to sign with: the source failed, or temporary credentials expired and could not be renewed.
    case credentials(CredentialsUnavailable)

    public var description: String {
        switch self {
        case .service(let e, let attempts): return e.description + (attempts > 1 ? " after \(attempts) attempts" : "")
        case .transport(let e, let attempts): return e.description + (attempts > 1 ? " after \(attempts) attempts" : "")
        case .integrity(let expected, let received, let rid, let attempts):
            return "CRC-64 mismatch: sent \(expected), server has \(received) [request id \(rid)]"
                + (attempts > 1 ? " after \(attempts) attempts" : "")
        case .invalidResponse(let m, let rid, _): return "invalid response: \(m) [request id \(rid)]"
        case .credentials(let e): return "no credentials: \(e.message)"
        case .missingCRC64(let operation, let rid, _):
            return
                "\(operation) was answered without x-oss-hash-crc64ecma: the server does not compute CRC-64 [request id \(rid)]"
        }
    }

    /// Requests sent for the call that ended with this error, retries included (0: none could be signed).
    public var attempts: Int {
        switch self {
        case .service(_, let n), .transport(_, let n): return n
        case .integrity(_, _, _, let n), .invalidResponse(_, _, let n), .missingCRC64(_, _, let n): return n
        case .credentials: return 0
        }
    }

    /// This error as the end of a call that sent `attempts` requests: an answer found wrong after it arrived
    /// (integrity, unreadable, no CRC-64) is made where the attempt count is not known.
    func counting(_ attempts: Int) -> OSSError {
        switch self {
        case .integrity(let expected, let received, let rid, _):
            return .integrity(expected: expected, received: received, requestID: rid, attempts: attempts)
        case .invalidResponse(let m, let rid, _): return .invalidResponse(m, requestID: rid, attempts: attempts)
        case .missingCRC64(let operation, let rid, _):
            return .missingCRC64(operation: operation, requestID: rid, attempts: attempts)
        case .service, .transport, .credentials: return self
        }
    }

    /// This error with `secrets` (the request's AccessKey secret and STS token) taken out of everything the
    /// server said: its error document, and a request id or header text of an answer found wrong
    /// (`SecretRedaction`). An endpoint or proxy that echoes the request would otherwise put them into logs
    /// and reports.
    public func redacting(_ secrets: [String]) -> OSSError {
        let clean = { (text: String) in SecretRedaction.redacting(text, secrets) }
        switch self {
        case .service(let e, let n): return .service(e.redacting(secrets), attempts: n)
        case .integrity(let expected, let received, let rid, let n):
            return .integrity(expected: expected, received: received, requestID: clean(rid), attempts: n)
        case .invalidResponse(let m, let rid, let n):
            return .invalidResponse(clean(m), requestID: clean(rid), attempts: n)
        case .missingCRC64(let operation, let rid, let n):
            return .missingCRC64(operation: operation, requestID: clean(rid), attempts: n)
        case .transport, .credentials: return self
        }
    }

    /// The OSS error code, if the server sent one.
    public var code: OSSErrorCode? {
        if case .service(let e, _) = self { return e.code }
        return nil
    }
}
