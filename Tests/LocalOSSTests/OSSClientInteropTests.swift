import CurlHTTP
import Digests
import Foundation
import LocalOSS
import OSSKit
import OSSProtocol
import TestSupport
import Testing

/// Our own client (OSSClient over CurlHTTP) against LocalOSS: the two halves must agree on the wire.
@Suite struct OSSClientInteropTests {
    static func client(_ oss: LocalOSSFixture, http: CurlHTTPClient) -> OSSClient {
        OSSClient(
            configuration: OSSClientConfiguration(
                endpoint: oss.endpoint.absoluteString,
                region: oss.region,
                signature: .v4,
                addressing: .path,
                retry: RetryPolicy(attempts: 3, baseDelay: 0.01, maxDelay: 0.05)
            ),
            credentials: Credentials(accessKeyID: oss.accessKeyID!, accessKeySecret: oss.accessKeySecret!),
            transport: http
        )
    }

    @Test func multipartThroughOSSClientSurvivesAnInjected503AndMatchesCRC() async throws {
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        try await LocalOSSFixture.with { oss in
            let client = Self.client(oss, http: http)
            oss.faults.add(.failNth(1, .uploadPart, status: 503, code: .serviceUnavailable))
            let key = "client/mp.bin"
            let id = try await client.initiateMultipartUpload(
                bucket: oss.bucket,
                key: key,
                options: ObjectOptions(metadata: ["k": "v"])
            ).uploadID
            let p1 = Array(TestHTTP.bytes(102_400, seed: 5))
            let p2 = Array(TestHTTP.bytes(777, seed: 6))
            let r1 = try await client.uploadPart(
                bucket: oss.bucket,
                key: key,
                uploadID: id,
                partNumber: 1,
                body: .bytes(p1)
            )
            let r2 = try await client.uploadPart(
                bucket: oss.bucket,
                key: key,
                uploadID: id,
                partNumber: 2,
                body: .bytes(p2)
            )
            let listed = try await client.listParts(bucket: oss.bucket, key: key, uploadID: id)
            #expect(listed.map(\.partNumber) == [1, 2])
            _ = try await client.completeMultipartUpload(
                bucket: oss.bucket,
                key: key,
                uploadID: id,
                parts: [CompletedPart(partNumber: 1, etag: r1.etag), CompletedPart(partNumber: 2, etag: r2.etag)],
                callback: nil
            )
            let head = try #require(try await client.headObject(bucket: oss.bucket, key: key))
            #expect(head.size == Int64(p1.count + p2.count))
            #expect(head.metadata["k"] == "v")
            #expect(oss.log.all.filter { $0.operation == .uploadPart }.map(\.status) == [503, 200, 200])
            var whole = CRC64()
            whole.update(p1 + p2)
            #expect(head.crc64 == whole.value)
        }
    }

    @Test func wrongCRCFromTheServerIsAnIntegrityError() async throws {
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        try await LocalOSSFixture.with { oss in
            let client = Self.client(oss, http: http)
            // Every attempt gets a wrong CRC (the client may retry an integrity failure).
            oss.faults.add(FaultRule(operation: .putObject, count: nil, action: .wrongCRC))
            await #expect {
                _ = try await client.putObject(
                    bucket: oss.bucket,
                    key: "x",
                    body: .bytes(Array("abc".utf8)),
                    options: ObjectOptions()
                )
            } throws: { error in
                guard case .integrity = error as? OSSError else { return false }
                return true
            }
        }
    }
}

extension OSSClientInteropTests {
    @Test func clientCorrectsItsClockAgainstASkewedServer() async throws {
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let skewed: (inout LocalOSSConfiguration) -> Void = {
            $0.clockOffset = -1800
            $0.maxClockSkew = 900
        }
        try await LocalOSSFixture.with(configure: skewed) { oss in
            let client = Self.client(oss, http: http)
            let put = try await client.putObject(
                bucket: oss.bucket,
                key: "skew",
                body: .bytes(Array("t".utf8)),
                options: ObjectOptions()
            )
            #expect(put.status == 200)
            #expect(oss.log.all.map(\.errorCode) == ["RequestTimeTooSkewed", nil])
        }
    }

    /// A server whose clock says 9500 (a `Date` no clock is corrected to): the client keeps its own, and the
    /// request fails `RequestTimeTooSkewed` after its attempts. Before, it adopted the offset; one carried past
    /// 9999-12-31 made a 5-digit year the V4 date cannot hold, and every signing after trapped.
    @Test func clientDoesNotCorrectItsClockToAServerDateBeyondBelief() async throws {
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let year9500: TimeInterval = 237_623_846_400
        let skewed: (inout LocalOSSConfiguration) -> Void = {
            $0.clockOffset = year9500 - Date().timeIntervalSince1970
            $0.maxClockSkew = 900
        }
        try await LocalOSSFixture.with(configure: skewed) { oss in
            let client = Self.client(oss, http: http)
            await #expect(throws: OSSError.self) {
                try await client.putObject(
                    bucket: oss.bucket,
                    key: "skew",
                    body: .bytes(Array("t".utf8)),
                    options: ObjectOptions()
                )
            }
            #expect(
                oss.log.all.allSatisfy { $0.errorCode == "RequestTimeTooSkewed" },
                "\(oss.log.all.map(\.errorCode))"
            )
        }
        #expect(SigningTime(serverDate: "Fri, 31 Dec 9999 23:59:59 GMT") == nil)
        #expect(SigningTime(serverDate: "Thu, 01 Jan 1970 00:00:00 GMT") == nil)
        #expect(SigningTime(serverDate: "Mon, 07 Dec 2026 04:50:00 GMT")?.epochSeconds == 1_796_619_000)
    }
}
