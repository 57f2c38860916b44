/// The seam between the OSS client and the network: send one request, its body read from the request's
/// `HTTPRequestBody` source, and return the complete response. CurlHTTP's `CurlHTTPClient` is the
/// implementation the programs choose; nothing else in the client or the engine knows about libcurl.
///
/// Contract for implementations:
/// - An HTTP error status is a response, not a throw. Only a request that got no complete response throws,
///   and then an `HTTPTransportError` (`.cancelled` when the calling task was cancelled, which must abort
///   the transfer).
/// - `HTTPResponse.sentBodyCRC64` is the CRC-64 of exactly the body bytes of the send that produced the
///   response (restarted when the body is resent), because the client checks it against the server's.
/// - A `.file` body is read with positional reads, so one descriptor may serve concurrent requests.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the whole response.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse

    /// Request-body bytes handed to the network since the transport was created, retries included: what
    /// progress and rates are computed from.
    var bodyBytesSent: Int64 { get }
}
