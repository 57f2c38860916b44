import Foundation
import LocalOSS
import TestSupport
import Testing

/// LocalOSS names objects by their keys' bytes, as OSS does: keys that Swift's `String` takes for one (a
/// composed and a decomposed "é") are two objects, and a prefix ending inside a `\r\n` matches the keys that
/// begin with its bytes.
@Suite struct ByteExactKeysTests {
    @Test func aComposedAndADecomposedKeyAreTwoObjects() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let (composed, decomposed) = ("caf\u{E9}", "cafe\u{301}")
            _ = try await TestHTTP.send("PUT", oss.url(forKey: composed), body: Data("composed".utf8))
            _ = try await TestHTTP.send("PUT", oss.url(forKey: decomposed), body: Data("decomposed".utf8))
            #expect(try await TestHTTP.send("GET", oss.url(forKey: composed)).text == "composed")
            #expect(try await TestHTTP.send("GET", oss.url(forKey: decomposed)).text == "decomposed")
            _ = try await TestHTTP.send("DELETE", oss.url(forKey: composed))
            #expect(try await TestHTTP.send("GET", oss.url(forKey: decomposed)).text == "decomposed")
            let listing = try await TestHTTP.send("GET", oss.url(forKey: "", query: "list-type=2&encoding-type=url"))
            #expect(listing.text.components(separatedBy: "<Key>").count - 1 == 1, "\(listing.text)")
        }
    }

    /// A fault rule's `keyContains` is matched as bytes too.
    @Test func aFaultRuleMatchesTheBytesOfAKey() async throws {
        try await LocalOSSFixture.anonymous { oss in
            oss.faults.add(
                FaultRule(
                    operation: .putObject,
                    keyContains: "e\u{301}",
                    count: nil,
                    action: .fail(status: 503, code: .serviceUnavailable)
                )
            )
            oss.faults.add(
                FaultRule(
                    operation: .putObject,
                    keyContains: "\r",
                    count: nil,
                    action: .fail(status: 500, code: .internalError)
                )
            )
            let composed = try await TestHTTP.send("PUT", oss.url(forKey: "caf\u{E9}"), body: Data("x".utf8))
            let decomposed = try await TestHTTP.send("PUT", oss.url(forKey: "cafe\u{301}"), body: Data("x".utf8))
            let crlf = try await TestHTTP.send("PUT", oss.url(forKey: "a\r\nb"), body: Data("x".utf8))
            #expect(composed.status == 200 && decomposed.status == 503 && crlf.status == 500)
        }
    }

    @Test func openUploadsAreListedByTheBytesOfTheirPrefix() async throws {
        try await LocalOSSFixture.anonymous { oss in
            _ = try await TestHTTP.send("POST", oss.url(forKey: "k/zz\r\nx", query: "uploads"))
            _ = try await TestHTTP.send("POST", oss.url(forKey: "k/zy", query: "uploads"))
            let listed = try await TestHTTP.send(
                "GET",
                oss.url(forKey: "", query: "uploads&encoding-type=url&prefix=k%2Fzz%0D")
            )
            #expect(listed.text.components(separatedBy: "<Upload>").count - 1 == 1, "\(listed.text)")
        }
    }
}
