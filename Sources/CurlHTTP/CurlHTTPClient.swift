import OSSProtocol

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
