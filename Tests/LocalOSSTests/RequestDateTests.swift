import Foundation
import LocalOSS
import OSSProtocol
import TestSupport
import Testing

/// Issue 14 item 10: a signed request's date is read as OSS reads it. An unparseable or missing one is
/// 403 AccessDenied (it used to skip the skew check); only a well-formed one is compared with the clock.
@Suite struct RequestDateTests {
    private let skewChecked: (inout LocalOSSConfiguration) -> Void = { $0.maxClockSkew = 900 }

    /// A V1-signed GET whose `Date` is `date` (signed as sent, so the signature itself verifies).
    private func send(_ oss: LocalOSSFixture, date: String?, ossDate: String? = nil) async throws -> TestReply {
        let credentials = Credentials(accessKeyID: oss.accessKeyID!, accessKeySecret: oss.accessKeySecret!)
        var request = SignableRequest(method: "GET", bucket: oss.bucket, key: "k")
        if let date { request.setHeader("Date", date) }
        if let ossDate { request.setHeader("x-oss-date", ossDate) }
        request.setHeader("Authorization", SignerV1(credentials: credentials).authorization(for: request).authorization)
        return try await SharedSignerTests.send(oss, request)
    }

    @Test func anUnparseableDateIsAccessDeniedNotASkippedCheck() async throws {
        try await LocalOSSFixture.with(configure: skewChecked) { oss in
            let reply = try await send(oss, date: "not a date")
            #expect(reply.status == 403)
            #expect(reply.xml("Code") == "AccessDenied")
            #expect(reply.xml("Message") == "OSS authentication requires a valid Date.")
            #expect(reply.header("x-oss-ec") == "0002-00000502")
        }
    }

    @Test func anUnparseableDateIsRefusedWhenSignaturesAreCheckedEvenWithoutASkewLimit() async throws {
        try await LocalOSSFixture.with { oss in
            let reply = try await send(oss, date: "Wed, 25 Nov 99999999999999999 18:50:10 GMT")
            #expect(reply.xml("Code") == "AccessDenied")
        }
    }

    @Test func aMissingDateIsAccessDenied() async throws {
        try await LocalOSSFixture.with(configure: skewChecked) { oss in
            let reply = try await send(oss, date: nil)
            #expect(reply.xml("Code") == "AccessDenied")
            #expect(reply.header("x-oss-ec") == "0002-00000503")
        }
    }

    @Test func aBadXOSSDateDoesNotFallBackToDate() async throws {
        try await LocalOSSFixture.with(configure: skewChecked) { oss in
            let now = SharedSignerTests.now()
            let badOSSDate = try await send(oss, date: now.rfc1123, ossDate: "yesterday")
            #expect(badOSSDate.xml("Code") == "AccessDenied")
            let goodDate = try await send(oss, date: now.rfc1123)
            #expect(goodDate.xml("Code") == "NoSuchKey")  // past the signature and time checks
        }
    }

    @Test func aWellFormedDateFarOffIsStillTooSkewed() async throws {
        try await LocalOSSFixture.with(configure: skewChecked) { oss in
            let old = SigningTime(epochSeconds: SharedSignerTests.now().epochSeconds - 7200)
            let reply = try await send(oss, date: old.rfc1123)
            #expect(reply.xml("Code") == "RequestTimeTooSkewed")
        }
    }
}
