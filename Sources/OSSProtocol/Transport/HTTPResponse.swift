/// A complete HTTP response (bodies of OSS answers are small XML or callback replies; they are buffered).
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Headers as received (names as the server wrote them).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// CRC-64/ECMA of the request body bytes exactly as they were sent (0 for no body).
    public var sentBodyCRC64: UInt64
    /// MD5 of the request body as sent, when the transport was asked for it (`CurlHTTPClient.send(_:md5:)`).
    public var sentBodyMD5: [UInt8]?

    public init(
        status: Int,
        headers: [(name: String, value: String)],
        body: [UInt8],
        sentBodyCRC64: UInt64 = 0,
        sentBodyMD5: [UInt8]? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.sentBodyCRC64 = sentBodyCRC64
        self.sentBodyMD5 = sentBodyMD5
    }

    /// The first header named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}
