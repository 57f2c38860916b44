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
