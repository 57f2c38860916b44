import CurlHTTP
import OSSProtocol
import Testing

@Suite("CurlHTTPClient request validation", .timeLimit(.minutes(5)))
struct RequestValidationTests {
    @Test func headerWithLineBreakIsRejectedWithoutEchoingTheValue() async throws {
        try await withServer { server, client in
            let secret = "S3cr3tV4lue\r\nx-injected: yes"
            do {
                _ = try await client.send(
                    HTTPRequest(
                        method: "GET",
                        url: server.url("/x"),
                        headers: [("x-oss-security-token", secret)]
                    )
                )
                Issue.record("a header with CR LF must not be sent")
            } catch let error as HTTPTransportError {
                #expect(!error.description.contains("S3cr3tV4lue"))
                guard case .unsendable = error else {
                    Issue.record("expected .unsendable, got \(error)")
                    return
                }
            }
            #expect(server.requests == 0)
        }
    }

    @Test func nonHTTPURLIsRefused() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        do {
            let response = try await client.send(HTTPRequest(method: "GET", url: "file:///etc/hostname"))
            Issue.record("file:// must not be fetched (got \(response.body.count) bytes)")
        } catch let error as HTTPTransportError {
            guard case .other(let code, _) = error else {
                Issue.record("expected .other, got \(error)")
                return
            }
            #expect(code == 1)  // CURLE_UNSUPPORTED_PROTOCOL
        }
    }
}
