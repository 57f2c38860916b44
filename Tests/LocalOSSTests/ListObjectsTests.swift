import Foundation
import TestSupport
import Testing

/// ListObjectsV2: prefix, max-keys and continuation tokens.
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
}
