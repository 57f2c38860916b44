import Foundation
import TestSupport
import Testing

/// ListObjectsV2: prefix, max-keys, continuation tokens and delimiter (common prefixes).
@Suite struct ListObjectsTests {
    @Test func pagesThroughAPrefixInKeyOrderWithContinuationTokens() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let keys = (0..<7).map { "dir/f\($0)" } + ["else/x"]
            for key in keys.reversed() {
                _ = try await TestHTTP.send("PUT", oss.url(forKey: key), body: Data(key.utf8))
            }
            var token: String?
            var listed: [String] = []
            var pages = 0
            repeat {
                var query = "list-type=2&prefix=dir/&max-keys=3"
                if let token {
                    query +=
                        "&continuation-token=" + token.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                }
                let page = try await TestHTTP.send(
                    "GET",
                    URL(string: "\(oss.endpoint.absoluteString)/\(oss.bucket)/?\(query)")!
                )
                #expect(page.status == 200)
                listed += page.xmlAll("Key")
                pages += 1
                token = page.xml("IsTruncated") == "true" ? page.xml("NextContinuationToken") : nil
            } while token != nil
            #expect(listed == (0..<7).map { "dir/f\($0)" })
            #expect(pages == 3)
        }
    }

    @Test func delimiterRollsKeysBelowTheNextLevelIntoCommonPrefixesEachOneEntryOfAPage() async throws {
        try await LocalOSSFixture.anonymous { oss in
            for key in ["top/a/1", "top/a/2", "top/a/3", "top/b", "top/c/d/e", "top/c/f", "top/d"] {
                _ = try await TestHTTP.send("PUT", oss.url(forKey: key), body: Data(key.utf8))
            }
            func list(_ prefix: String, maxKeys: Int, _ token: String? = nil) async throws -> TestReply {
                var query = "list-type=2&delimiter=%2F&max-keys=\(maxKeys)&prefix=" + prefix
                if let token {
                    query +=
                        "&continuation-token=" + token.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                }
                return try await TestHTTP.send(
                    "GET",
                    URL(string: "\(oss.endpoint.absoluteString)/\(oss.bucket)/?\(query)")!
                )
            }
            var pages: [[String]] = []
            var token: String?
            repeat {
                let page = try await list("top/", maxKeys: 1, token)
                #expect(page.status == 200)
                #expect(page.xml("Delimiter") == "/")
                pages.append(page.xmlAll("Key") + page.xmlAll("CommonPrefixes"))
                #expect(page.xml("KeyCount") == "\(pages.last!.count)")
                token = page.xml("IsTruncated") == "true" ? page.xml("NextContinuationToken") : nil
            } while token != nil && pages.count < 10
            // One entry a page: top/a/ stands for three keys, and the page after it starts past all three.
            #expect(
                pages == [["<Prefix>top/a/</Prefix>"], ["top/b"], ["<Prefix>top/c/</Prefix>"], ["top/d"]]
            )
            let deeper = try await list("top/c/", maxKeys: 10)
            #expect(deeper.xmlAll("Key") == ["top/c/f"])
            #expect(deeper.xmlAll("CommonPrefixes") == ["<Prefix>top/c/d/</Prefix>"])
            #expect(deeper.xml("IsTruncated") == "false")
        }
    }
}
