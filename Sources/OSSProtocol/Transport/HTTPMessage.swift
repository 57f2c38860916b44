/// One HTTP request as an `HTTPTransport` sends it. The URL is final: already percent-encoded.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Headers in the order they are sent. `Content-Length` is set by the client from the body.
    public var headers: [(name: String, value: String)]
    public var body: HTTPRequestBody

    public init(
        method: String,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: HTTPRequestBody = .none
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A request body: the source the transport reads while it sends. File bodies stream from disk with `pread`
/// (inside curl's read callback, for CurlHTTP): no part-sized buffer.
public enum HTTPRequestBody: Sendable {
    case none
    case bytes([UInt8])
    /// `length` bytes of the open file `descriptor` from `offset`. The caller keeps the descriptor open until
    /// `send` returns; `pread` leaves the file offset alone, so one descriptor may serve concurrent requests.
    case file(descriptor: Int32, offset: Int64, length: Int64)

    public var length: Int64 {
        switch self {
        case .none: return 0
        case .bytes(let b): return Int64(b.count)
        case .file(_, _, let length): return length
        }
    }
}

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

/// A failure below HTTP: no complete response was received.
public enum HTTPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The TCP connection could not be made (refused, unreachable, DNS).
    case connect(String)
    /// Connect timeout, or the transfer was slower than the low-speed limit for too long.
    case timeout(String)
    /// The connection broke mid-request or mid-response (reset, closed early, partial body).
    case reset(String)
    /// TLS handshake failure (retryable).
    case tls(String)
    /// The server's certificate was not trusted (not retryable: retrying will not fix it).
    case certificate(String)
    /// Reading the request body from disk failed (errno text).
    case bodyRead(String)
    /// The request was cancelled (task cancellation or client shutdown).
    case cancelled
    /// Anything else the transport reports: its code (curl's `CURLcode` for CurlHTTP) and message.
    case other(code: Int, message: String)

    public var description: String {
        switch self {
        case .connect(let m): return "connection failed: \(m)"
        case .timeout(let m): return "timed out: \(m)"
        case .reset(let m): return "connection reset: \(m)"
        case .tls(let m): return "TLS handshake failed: \(m)"
        case .certificate(let m): return "TLS certificate not trusted: \(m)"
        case .bodyRead(let m): return "reading the request body failed: \(m)"
        case .cancelled: return "cancelled"
        case .other(let code, let m): return "transfer failed (curl \(code)): \(m)"
        }
    }
}

extension HTTPRequest: CustomStringConvertible, CustomDebugStringConvertible {
    /// Headers that carry credentials; their values never appear in descriptions or logs.
    static let sensitiveHeaders: Set<String> = [
        "authorization", "x-oss-security-token", "proxy-authorization", "cookie",
    ]

    /// `PUT http://…/key [Content-Type: text/plain, Authorization: <redacted>] body 1024 B`.
    public var description: String {
        let shown = headers.map { header in
            HTTPRequest.sensitiveHeaders.contains(header.name.lowercased())
                ? "\(header.name): <redacted>" : "\(header.name): \(header.value)"
        }
        return "\(method) \(url) [\(shown.joined(separator: ", "))] body \(body.length) B"
    }

    public var debugDescription: String { description }
}
