/// Settings for `CurlHTTPClient`.
public struct CurlHTTPConfiguration: Sendable {
    /// TCP+TLS connect timeout, seconds.
    public var connectTimeout: Double = 10
    /// A transfer slower than `lowSpeedLimit` bytes/s for `lowSpeedTime` seconds is aborted as `.timeout`.
    public var lowSpeedLimit: Int = 1024
    public var lowSpeedTime: Int = 30
    /// Connections kept alive for reuse (curl's connection cache).
    public var maxConnections: Int = 64
    /// Verify the server's TLS certificate and host name. Always on unless a test turns it off.
    public var verifyTLS: Bool = true
    /// Bytes per second over every request body this client sends; 0 = unlimited.
    public var maxSendBytesPerSecond: Int64 = 0
    public var userAgent: String = "ossbatch"

    public init() {}
}

/// HTTP over libcurl's multi interface: one driver thread owns every curl handle; `send` suspends the
/// calling task until the response is complete. Connections are reused across requests.
public final class CurlHTTPClient: Sendable {
    public init(configuration: CurlHTTPConfiguration = CurlHTTPConfiguration()) {
        fatalError("CurlHTTPClient: not implemented yet")
    }

    /// Sends `request` and returns the whole response. HTTP error statuses are responses, not throws;
    /// only transport failures throw `HTTPTransportError`. With `md5: true` the body's MD5 is computed
    /// while it streams (`HTTPResponse.sentBodyMD5`). Task cancellation aborts the transfer (`.cancelled`).
    public func send(_ request: HTTPRequest, md5: Bool = false) async throws -> HTTPResponse {
        fatalError("CurlHTTPClient: not implemented yet")
    }

    /// Total request-body bytes handed to curl since creation (retries included): for progress and rates.
    public var bodyBytesSent: Int64 { 0 }

    /// Stops the driver thread; requests still in flight fail with `.cancelled`.
    public func shutdown() {}
}
