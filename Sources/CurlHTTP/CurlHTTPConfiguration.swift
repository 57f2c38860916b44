/// Settings for `CurlHTTPClient`.
public struct CurlHTTPConfiguration: Sendable {
    /// TCP+TLS connect timeout, seconds.
    public var connectTimeout: Double = 10
    /// A transfer slower than `lowSpeedLimit` bytes/s for `lowSpeedTime` seconds is aborted as `.timeout`.
    public var lowSpeedLimit: Int = 1024
    public var lowSpeedTime: Int = 30
    /// The largest response body kept: a longer one ends the transfer as `.responseTooLarge`. OSS answers
    /// are small XML (a page of 1,000 listed keys is about 1 MiB); a body that never ends (a broken proxy, a
    /// server streaming garbage) grew in memory until the process was killed, its report left `running`.
    public var maximumResponseBodyBytes: Int = 64 << 20
    /// Connections kept alive for reuse (curl's connection cache).
    public var maxConnections: Int = 64
    /// Verify the server's TLS certificate and host name. Always on unless a test turns it off.
    public var verifyTLS: Bool = true
    /// Bytes per second over every request body this client sends; 0 = unlimited.
    public var maxSendBytesPerSecond: Int64 = 0
    public var userAgent: String = "ossbatch"

    public init() {}
}
