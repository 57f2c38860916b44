import OSSProtocol

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
public final class CurlHTTPClient: HTTPTransport {
    /// curl's upload buffer per transfer (CURLOPT_UPLOAD_BUFFERSIZE): bytes per read callback.
    static let uploadBufferSize = 1 << 20

    private let driver: CurlDriver

    public init(configuration: CurlHTTPConfiguration = CurlHTTPConfiguration()) {
        driver = CurlDriver(configuration: configuration)
        driver.start()
    }

    deinit {
        driver.stop()
    }

    /// Sends `request` and returns the whole response. HTTP error statuses are responses, not throws;
    /// only transport failures throw `HTTPTransportError`. Task cancellation aborts the transfer (`.cancelled`).
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await send(request, md5: false)
    }

    /// `send(_:)`, and with `md5: true` the body's MD5 is computed while it streams (`HTTPResponse.sentBodyMD5`).
    public func send(_ request: HTTPRequest, md5: Bool) async throws -> HTTPResponse {
        let transfer = Transfer(request: request, md5: md5, meter: driver.meter)
        let driver = self.driver
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                // Written before `submit` publishes the transfer under the inbox lock.
                transfer.continuation = continuation
                if !driver.submit(transfer) {
                    transfer.resume(with: .failure(HTTPTransportError.cancelled))
                }
            }
        } onCancel: {
            driver.cancel(transfer)
        }
    }

    /// Total request-body bytes handed to curl since creation (retries included): for progress and rates.
    public var bodyBytesSent: Int64 { driver.meter.bytesSent.load(ordering: .relaxed) }

    /// Stops the driver thread; requests still in flight fail with `.cancelled`.
    public func shutdown() {
        driver.stop()
    }
}
