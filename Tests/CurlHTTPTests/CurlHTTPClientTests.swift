import CurlHTTP
import Digests
import Foundation
import OSSProtocol
import TestSupport
import Testing

/// Runs `body` against a fresh test server and client, stopping both afterwards.
func withServer<T>(
    _ configuration: CurlHTTPConfiguration = CurlHTTPConfiguration(),
    _ body: (TestServer, CurlHTTPClient) async throws -> T
) async throws -> T {
    let server = try await TestServer.start()
    let client = CurlHTTPClient(configuration: configuration)
    defer { client.shutdown() }
    do {
        let result = try await body(server, client)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

@Suite("CurlHTTPClient round trips", .timeLimit(.minutes(1)))
struct RoundTripTests {
    @Test func getReturnsStatusHeadersAndBodyAndSendsNoExpect() async throws {
        try await withServer { server, client in
            let response = try await client.send(
                HTTPRequest(
                    method: "GET",
                    url: server.url("/object"),
                    headers: [("x-test-color", "blue")]
                )
            )
            #expect(response.status == 200)
            #expect(response.header("X-Test-Color") == "blue")
            #expect(response.header("x-method") == "GET")
            #expect(response.header("x-expect") == "none")
            #expect(String(decoding: response.body, as: UTF8.self) == "hello")
            #expect(response.sentBodyCRC64 == 0)
        }
    }

    @Test func putBytesArriveExactWithContentLength() async throws {
        let body = testBytes(300_001)
        try await withServer { server, client in
            let response = try await client.send(
                HTTPRequest(method: "PUT", url: server.url("/put"), body: .bytes(body))
            )
            #expect(response.status == 200)
            #expect(response.header("x-method") == "PUT")
            #expect(response.header("x-content-length") == "300001")
            #expect(response.header("x-expect") == "none")
            #expect(response.header("x-body-crc64") == String(CRC64.checksum(body)))
            #expect(response.sentBodyCRC64 == CRC64.checksum(body))
            #expect(response.body == body)
            #expect(client.bodyBytesSent == Int64(body.count))
        }
    }

    @Test func postWithoutBodySendsContentLengthZeroAndNoFormType() async throws {
        try await withServer { server, client in
            let response = try await client.send(HTTPRequest(method: "POST", url: server.url("/upload?uploads")))
            #expect(response.status == 200)
            #expect(response.header("x-method") == "POST")
            #expect(response.header("x-content-length") == "0")
            #expect(response.header("x-content-type") == "none")
        }
    }

    @Test func postStreamsBodyWithCallerContentType() async throws {
        let xml = Array("<CompleteMultipartUpload></CompleteMultipartUpload>".utf8)
        try await withServer { server, client in
            let response = try await client.send(
                HTTPRequest(
                    method: "POST",
                    url: server.url("/complete"),
                    headers: [("Content-Type", "application/xml")],
                    body: .bytes(xml)
                ),
                md5: true
            )
            #expect(response.header("x-content-type") == "application/xml")
            #expect(response.header("x-content-length") == String(xml.count))
            #expect(response.body == xml)
            #expect(response.sentBodyMD5 == MD5.hash(xml))
            #expect(response.header("x-body-md5") == MD5.hash(xml).hexString)
        }
    }

    @Test func headReturnsHeadersWithoutBody() async throws {
        try await withServer { server, client in
            let response = try await client.send(HTTPRequest(method: "HEAD", url: server.url("/object")))
            #expect(response.status == 200)
            #expect(response.header("x-method") == "HEAD")
            #expect(response.header("content-length") == "5")
            #expect(response.body.isEmpty)
        }
    }

    @Test func deleteSendsDeleteMethod() async throws {
        try await withServer { server, client in
            let response = try await client.send(HTTPRequest(method: "DELETE", url: server.url("/object?uploadId=1")))
            #expect(response.header("x-method") == "DELETE")
            #expect(response.status == 200)
        }
    }

    @Test func errorStatusIsAResponseNotAThrow() async throws {
        try await withServer { server, client in
            let response = try await client.send(HTTPRequest(method: "GET", url: server.url("/missing?status=404")))
            #expect(response.status == 404)
        }
    }
}

@Suite("CurlHTTPClient request validation", .timeLimit(.minutes(1)))
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
                guard case .other = error else {
                    Issue.record("expected .other, got \(error)")
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
