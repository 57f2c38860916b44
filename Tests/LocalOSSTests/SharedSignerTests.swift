import Foundation
import LocalOSS
import OSSKit
import OSSProtocol
import TestSupport
import Testing

/// Requests signed by OSSProtocol's signers (the ones OSSClient uses) are accepted; tampering is caught.
@Suite struct SharedSignerTests {
    /// Signs `request` and sends it with curl to the fixture.
    static func send(_ oss: LocalOSSFixture, _ request: SignableRequest, body: Data? = nil) async throws -> TestReply {
        var headers: [String: String] = [:]
        for h in request.headers { headers[h.name] = h.value }
        let query = request.query.isEmpty ? "" : "?" + request.encodedQuery
        let url = URL(string: oss.endpoint.absoluteString + request.encodedPath(includeBucket: true) + query)!
        return try await TestHTTP.send(request.method, url, headers: headers, body: body)
    }

    static func now() -> SigningTime { SigningTime(epochSeconds: Int64(Date().timeIntervalSince1970)) }

    @Test(arguments: ["v4", "v1"])
    func requestsSignedByOSSKitSignersAreAccepted(version: String) async throws {
        try await LocalOSSFixture.with { oss in
            let credentials = Credentials(
                accessKeyID: oss.accessKeyID!,
                accessKeySecret: oss.accessKeySecret!,
                securityToken: "sts-token-value"
            )
            func sign(_ r: inout SignableRequest) {
                if version == "v4" {
                    SignerV4(credentials: credentials, region: oss.region).sign(&r, at: Self.now())
                } else {
                    SignerV1(credentials: credentials).sign(&r, at: Self.now())
                }
            }
            let key = "signed/ü b+c.txt"
            var put = SignableRequest(
                method: "PUT",
                bucket: oss.bucket,
                key: key,
                headers: [(name: "Content-Type", value: "text/plain"), (name: "x-oss-meta-a", value: "1")]
            )
            sign(&put)
            #expect(try await Self.send(oss, put, body: Data("hello".utf8)).status == 200)

            var initiate = SignableRequest(method: "POST", bucket: oss.bucket, key: key, query: [.init("uploads")])
            sign(&initiate)
            let id = try #require(try await Self.send(oss, initiate).xml("UploadId"))
            var list = SignableRequest(
                method: "GET",
                bucket: oss.bucket,
                key: key,
                query: [.init("uploadId", id), .init("max-parts", "10")]
            )
            sign(&list)
            #expect(try await Self.send(oss, list).status == 200)

            // The same signed request with a header changed afterwards no longer verifies.
            var tampered = SignableRequest(
                method: "PUT",
                bucket: oss.bucket,
                key: key,
                headers: [(name: "x-oss-meta-a", value: "1")]
            )
            sign(&tampered)
            tampered.setHeader("x-oss-meta-a", "2")
            let refused = try await Self.send(oss, tampered, body: Data("x".utf8))
            #expect(refused.status == 403)
            #expect(refused.xml("Code") == "SignatureDoesNotMatch")
            #expect(!refused.text.contains(oss.accessKeySecret!))
        }
    }
}

/// The optional clock-skew check and server clock offset.
@Suite struct ClockSkewTests {
    @Test func requestSignedFarFromTheServerClockIsRequestTimeTooSkewed() async throws {
        let skewed: (inout LocalOSSConfiguration) -> Void = {
            $0.clockOffset = 3600
            $0.maxClockSkew = 900
        }
        try await LocalOSSFixture.with(configure: skewed) { oss in
            let credentials = Credentials(accessKeyID: oss.accessKeyID!, accessKeySecret: oss.accessKeySecret!)
            var request = SignableRequest(method: "HEAD", bucket: oss.bucket, key: "k")
            SignerV4(credentials: credentials, region: oss.region).sign(&request, at: SharedSignerTests.now())
            let skewed = try await SharedSignerTests.send(oss, request)
            #expect(skewed.status == 403)
            // The server's Date shows its (offset) clock, which a client uses to correct itself.
            let serverDate = try #require(skewed.header("Date").flatMap { SigningTime(rfc1123: $0) })
            #expect(abs(serverDate.epochSeconds - SharedSignerTests.now().epochSeconds - 3600) < 60)

            var corrected = SignableRequest(method: "GET", bucket: oss.bucket, key: "k")
            SignerV4(credentials: credentials, region: oss.region).sign(&corrected, at: serverDate)
            let reply = try await SharedSignerTests.send(oss, corrected)
            #expect(reply.xml("Code") == "NoSuchKey")  // past the signature and time checks

            var late = SignableRequest(method: "GET", bucket: oss.bucket, key: "k")
            SignerV1(credentials: credentials).sign(&late, at: SharedSignerTests.now())
            #expect(try await SharedSignerTests.send(oss, late).xml("Code") == "RequestTimeTooSkewed")
        }
    }
}
