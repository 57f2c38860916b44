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
