import CurlHTTP
import Digests
import Foundation
import OSSProtocol
import TestSupport
import Testing

@Suite("CurlHTTPClient round trips", .timeLimit(.minutes(5)))
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
