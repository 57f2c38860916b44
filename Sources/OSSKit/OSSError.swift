import OSSProtocol

/// Everything an `OSSClient` call can throw. Descriptions never contain the secret or the token.
public enum OSSError: Error, Sendable, CustomStringConvertible {
    /// OSS answered with an error status.
    case service(OSSServiceError, attempts: Int)
    /// No complete response (connect, timeout, reset, TLS).
    case transport(HTTPTransportError, attempts: Int)
    /// The server's CRC-64 differs from the one computed over the bytes sent.
    case integrity(expected: UInt64, received: UInt64, requestID: String)
    /// A 2xx answer that could not be understood (bad XML, missing header).
    case invalidResponse(String, requestID: String)
    /// An upload that had to be proven by CRC-64 was answered without `x-oss-hash-crc64ecma`: the server does
    /// not compute CRC-64 (every upload to it would end the same way), so only another check can prove it.
    case missingCRC64(operation: String, requestID: String)
    /// No credentials to sign with: the source failed, or temporary credentials expired and could not be renewed.
    case credentials(CredentialsUnavailable)

    public var description: String {
        switch self {
        case .service(let e, let attempts): return e.description + (attempts > 1 ? " after \(attempts) attempts" : "")
        case .transport(let e, let attempts): return e.description + (attempts > 1 ? " after \(attempts) attempts" : "")
        case .integrity(let expected, let received, let rid):
            return "CRC-64 mismatch: sent \(expected), server has \(received) [request id \(rid)]"
        case .invalidResponse(let m, let rid): return "invalid response: \(m) [request id \(rid)]"
        case .credentials(let e): return "no credentials: \(e.message)"
        case .missingCRC64(let operation, let rid):
            return
                "\(operation) was answered without x-oss-hash-crc64ecma: the server does not compute CRC-64 [request id \(rid)]"
        }
    }

    /// The OSS error code, if the server sent one.
    public var code: OSSErrorCode? {
        if case .service(let e, _) = self { return e.code }
        return nil
    }
}
