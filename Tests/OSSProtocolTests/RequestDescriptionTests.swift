import OSSProtocol
import Testing

@Test func requestDescriptionRedactsAuthorizationAndSecurityToken() {
    let request = HTTPRequest(
        method: "PUT",
        url: "http://127.0.0.1:1/b/k",
        headers: [
            ("Authorization", "OSS4-HMAC-SHA256 Credential=id/x,Signature=abc123"),
            ("x-oss-security-token", "TOKEN-VALUE"), ("Content-Type", "text/plain"),
        ],
        body: .bytes([1, 2, 3])
    )
    for text in [String(describing: request), String(reflecting: request), "\(request)"] {
        #expect(!text.contains("abc123"))
        #expect(!text.contains("TOKEN-VALUE"))
        #expect(text.contains("Content-Type: text/plain"))
        #expect(text.contains("<redacted>"))
    }
}
