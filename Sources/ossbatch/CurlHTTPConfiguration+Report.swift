import CurlHTTP
import OSSBatch

extension CurlHTTPConfiguration {
    /// The transport a batch runs over: the report's bandwidth cap over every request body, enough kept-alive
    /// connections for its concurrency, and ossbatch's user agent. TLS verification stays on and proxies come
    /// from the environment (curl's http_proxy/https_proxy/no_proxy), as for any `CurlHTTPClient`.
    init(batch report: Report) {
        self = .ossbatch
        maxSendBytesPerSecond = report.upload.bandwidth
        maxConnections = max(16, report.upload.concurrency * 2)
    }

    /// curl's defaults with ossbatch's user agent: what every request ossbatch makes starts from.
    static var ossbatch: CurlHTTPConfiguration {
        var configuration = CurlHTTPConfiguration()
        configuration.userAgent = "ossbatch/\(OSSBatchVersion.current)"
        return configuration
    }
}
