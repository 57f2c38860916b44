import Foundation
import TestSupport
import Testing

/// Issue 14 item 10: LocalOSS refuses the object names OSS refuses, with OSS's code.
@Suite struct ObjectNameLimitTests {
    @Test func aKeyOver1023BytesIsInvalidObjectName() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let long = String(repeating: "k", count: 1024)
            let refused = try await TestHTTP.send("PUT", oss.url(forKey: long), body: Data("x".utf8))
            #expect(refused.status == 400)
            #expect(refused.xml("Code") == "InvalidObjectName")
            #expect(refused.header("x-oss-ec") == "0016-00000003")
            // Multi-byte characters count as bytes: 512 × "é" is 1,024 bytes.
            let wide = try await TestHTTP.send("PUT", oss.url(forKey: String(repeating: "é", count: 512)), body: Data())
            #expect(wide.xml("Code") == "InvalidObjectName")
            let initiate = try await TestHTTP.send("POST", oss.url(forKey: long, query: "uploads"))
            #expect(initiate.xml("Code") == "InvalidObjectName")
            #expect(oss.log.all.allSatisfy { $0.status == 400 })
        }
    }

    @Test func aKeyOf1023BytesIsAccepted() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let key = String(repeating: "k", count: 1023)
            let put = try await TestHTTP.send("PUT", oss.url(forKey: key), body: Data("x".utf8))
            #expect(put.status == 200)
            #expect(try await TestHTTP.send("HEAD", oss.url(forKey: key)).status == 200)
        }
    }

    @Test func aKeyStartingWithASlashIsInvalidObjectName() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let url = URL(string: oss.endpoint.absoluteString + "/\(oss.bucket)//abs")!
            let reply = try await TestHTTP.send("PUT", url, body: Data("x".utf8))
            #expect(reply.xml("Code") == "InvalidObjectName")
        }
    }
}
