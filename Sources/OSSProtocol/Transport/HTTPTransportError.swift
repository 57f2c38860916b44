/// A failure below HTTP: no complete response was received.
public enum HTTPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The TCP connection could not be made (refused, unreachable, DNS).
    case connect(String)
    /// No connection within the connect timeout.
    case timeout(String)
    /// Connected, then the transfer was slower than the low-speed limit for too long: the service is there
    /// but slow (or overloaded), which says nothing about whether it can be reached.
    case stalled(String)
    /// The connection broke mid-request or mid-response (reset, closed early, partial body).
    case reset(String)
    /// TLS handshake failure (retryable).
    case tls(String)
    /// Connected, but what came back is not HTTP (another service on that port: an SSH banner, a database's
    /// greeting): no answer from an OSS endpoint.
    case notHTTP(String)
    /// The server's certificate was not trusted (not retryable: retrying will not fix it).
    case certificate(String)
    /// Reading the request body from disk failed (errno text).
    case bodyRead(String)
    /// The response body went past the transport's limit (no OSS answer is that long): not retried, since a
    /// server or proxy that streams without end would do it again.
    case responseTooLarge(limit: Int)
    /// The request was cancelled (task cancellation or client shutdown).
    case cancelled
    /// The request could not be sent as it was built — a header holding a line break (credentials read from a
    /// file with CRLF line endings), a URL the transport refuses — so nothing went out, and sending it again
    /// changes nothing. Not retried; a batch stops on it (every request it makes is built the same way): before,
    /// each job went through all its attempts and failed, the report saying requests were sent (review of
    /// c56b4e6).
    case unsendable(String)
    /// Anything else the transport reports: its code (curl's `CURLcode` for CurlHTTP) and message.
    case other(code: Int, message: String)

    public var description: String {
        switch self {
        case .connect(let m): return "connection failed: \(m)"
        case .timeout(let m): return "timed out: \(m)"
        case .stalled(let m): return "stalled: \(m)"
        case .reset(let m): return "connection reset: \(m)"
        case .tls(let m): return "TLS handshake failed: \(m)"
        case .notHTTP(let m): return "the server does not answer in HTTP (another service on that port?): \(m)"
        case .certificate(let m): return "TLS certificate not trusted: \(m)"
        case .bodyRead(let m): return "reading the request body failed: \(m)"
        case .responseTooLarge(let limit):
            return "the response body went past \(limit) bytes (no OSS answer is that long); transfer aborted"
        case .cancelled: return "cancelled"
        case .unsendable(let m): return "the request cannot be sent: \(m)"
        case .other(let code, let m): return "transfer failed (curl \(code)): \(m)"
        }
    }
}
