/// One HTTP request as an `HTTPTransport` sends it. The URL is final: already percent-encoded.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Headers in the order they are sent. `Content-Length` is set by the client from the body.
    public var headers: [(name: String, value: String)]
    public var body: HTTPRequestBody
    /// Sent straight to its host, whatever `http_proxy` and the like say: the instance's own metadata service
    /// (`100.100.100.200`), which a proxy on another instance would answer with that instance's role.
    public var bypassesProxy: Bool

    public init(
        method: String,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: HTTPRequestBody = .none,
        bypassesProxy: Bool = false
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.bypassesProxy = bypassesProxy
    }
}
