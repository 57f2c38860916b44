import LocalOSS
import OSSKit
import OSSProtocol
import TestSupport
import Testing

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
