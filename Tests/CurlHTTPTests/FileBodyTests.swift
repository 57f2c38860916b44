import CurlHTTP
import Digests
import Foundation
import OSSProtocol
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("CurlHTTPClient file bodies", .timeLimit(.minutes(5)))
struct FileBodyTests {
    @Test func fileRangeArrivesByteExactWithMatchingCRCAndMD5() async throws {
        let directory = try TemporaryDirectory("curl-file")
        defer { directory.remove() }
        let contents = testBytes(5 * 1024 * 1024 + 17)
        let file = try directory.write("source.bin", Data(contents))
        let descriptor = open(file.path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let offset = 123_457
        let length = 3 * 1024 * 1024 + 5
        let range = Array(contents[offset..<offset + length])

        try await withServer { server, client in
            let request = HTTPRequest(
                method: "PUT",
                url: server.url("/part?partNumber=2"),
                body: .file(descriptor: descriptor, offset: Int64(offset), length: Int64(length))
            )
            let response = try await client.send(request, md5: true)
            #expect(response.status == 200)
            #expect(response.header("x-body-length") == String(length))
            #expect(response.header("x-content-length") == String(length))
            #expect(response.header("x-expect") == "none")
            #expect(response.header("x-body-crc64") == String(CRC64.checksum(range)))
            #expect(response.sentBodyCRC64 == CRC64.checksum(range))
            #expect(response.sentBodyMD5 == MD5.hash(range))
            #expect(response.header("x-body-md5") == MD5.hash(range).hexString)
            #expect(client.bodyBytesSent == Int64(length))
        }
    }

    @Test func resendOnDeadReusedConnectionRewindsBodyAndHashes() async throws {
        let body = testBytes(200_000, seed: 7)
        try await withServer { server, client in
            // The first request opens a keep-alive connection; the server then drops the PUT sent on it
            // without answering, so curl rewinds the body (SEEKFUNCTION) and resends on a new connection.
            _ = try await client.send(HTTPRequest(method: "GET", url: server.url("/warm-up")))
            let response = try await client.send(
                HTTPRequest(
                    method: "PUT",
                    url: server.url("/drop-reused"),
                    body: .bytes(body)
                ),
                md5: true
            )
            #expect(response.status == 200)
            #expect(server.connections == 2)
            #expect(client.bodyBytesSent == 2 * Int64(body.count))
            #expect(response.header("x-body-crc64") == String(CRC64.checksum(body)))
            #expect(response.sentBodyCRC64 == CRC64.checksum(body))
            #expect(response.sentBodyMD5 == MD5.hash(body))
        }
    }

    @Test func invalidDescriptorFailsAsBodyReadWithErrnoText() async throws {
        try await withServer { server, client in
            let request = HTTPRequest(
                method: "PUT",
                url: server.url("/part"),
                body: .file(descriptor: -1, offset: 0, length: 1000)
            )
            await #expect(throws: HTTPTransportError.bodyRead("pread(fd -1, offset 0): Bad file descriptor")) {
                try await client.send(request)
            }
        }
    }

    @Test func unreadableDescriptorFailsAsBodyRead() async throws {
        let directory = try TemporaryDirectory("curl-dir")
        defer { directory.remove() }
        let descriptor = open(directory.path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        try await withServer { server, client in
            let request = HTTPRequest(
                method: "PUT",
                url: server.url("/part"),
                body: .file(descriptor: descriptor, offset: 0, length: 1000)
            )
            do {
                _ = try await client.send(request)
                Issue.record("a directory descriptor must not be readable as a body")
            } catch let error as HTTPTransportError {
                guard case .bodyRead(let message) = error else {
                    Issue.record("expected .bodyRead, got \(error)")
                    return
                }
                #expect(message.contains("Is a directory"))
            }
            // The client keeps working afterwards.
            let response = try await client.send(HTTPRequest(method: "GET", url: server.url("/after")))
            #expect(response.status == 200)
        }
    }

    @Test func fileShorterThanDeclaredLengthFailsAsBodyRead() async throws {
        let directory = try TemporaryDirectory("curl-short")
        defer { directory.remove() }
        let file = try directory.write("short.bin", Data(testBytes(1000)))
        let descriptor = open(file.path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        try await withServer { server, client in
            let request = HTTPRequest(
                method: "PUT",
                url: server.url("/part"),
                body: .file(descriptor: descriptor, offset: 500, length: 1000)
            )
            await #expect(throws: HTTPTransportError.self) { try await client.send(request) }
            do { _ = try await client.send(request) } catch let error as HTTPTransportError {
                guard case .bodyRead = error else {
                    Issue.record("expected .bodyRead, got \(error)")
                    return
                }
            }
        }
    }
}
