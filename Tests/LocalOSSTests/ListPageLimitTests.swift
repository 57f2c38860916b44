import CurlHTTP
import Foundation
import LocalOSS
import OSSKit
import OSSProtocol
import TestSupport
import Testing

/// `LocalOSSConfiguration.listPageLimit`: listings come in pages no larger than it, whatever a client asks,
/// so a client's paging (key-marker with upload-id-marker, part-number-marker, continuation-token) can be
/// tested over a handful of entries; and `setInitiated` backdates an open upload.
@Suite struct ListPageLimitTests {
    static func limited<T>(_ limit: Int, _ body: (LocalOSSFixture, OSSClient) async throws -> T) async throws -> T {
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let oss = try await LocalOSSFixture.start(configure: { $0.listPageLimit = limit })
        do {
            let result = try await body(oss, OSSClientInteropTests.client(oss, http: http))
            await oss.stop()
            return result
        } catch {
            await oss.stop()
            throw error
        }
    }

    @Test func aPageHoldsNoMoreThanTheLimitEvenWhenTheClientAsksForMore() async throws {
        let oss = try await LocalOSSFixture.start(
            accessKeyID: nil,
            accessKeySecret: nil,
            configure: { $0.listPageLimit = 2 }
        )
        defer { Task { await oss.stop() } }
        for i in 0..<3 {
            #expect(try await TestHTTP.send("POST", oss.url(forKey: "k\(i)", query: "uploads")).status == 200)
        }
        let page = try await TestHTTP.send("GET", oss.url(forKey: "", query: "uploads&max-uploads=1000"))
        #expect(page.status == 200)
        #expect(page.xmlAll("Key") == ["k0", "k1"])
        #expect(page.xml("MaxUploads") == "2" && page.xml("IsTruncated") == "true")
        #expect(page.xml("NextKeyMarker") == "k1")
    }

    @Test func listMultipartUploadsFollowsKeyAndUploadIDMarkersAcrossPages() async throws {
        try await Self.limited(2) { oss, client in
            var expected: [String] = []
            // Three uploads of one key: a page boundary falls between uploads of the same key.
            for key in ["a/1", "a/2", "a/2", "a/2", "a/3", "b/1"] {
                let id = try await client.initiateMultipartUpload(
                    bucket: oss.bucket,
                    key: key,
                    options: ObjectOptions()
                )
                if key.hasPrefix("a/") { expected.append("\(key) \(id.uploadID)") }
            }
            let logStart = oss.log.all.count
            let listed = try await client.listMultipartUploads(bucket: oss.bucket, prefix: "a/")
            #expect(listed.map { "\($0.key) \($0.uploadID)" } == expected.sorted())
            let pages = oss.log.all[logStart...].filter { $0.operation == .listMultipartUploads }
            #expect(pages.count == 3, "5 uploads in pages of 2")
        }
    }

    @Test func listPartsFollowsThePartNumberMarkerAcrossPages() async throws {
        try await Self.limited(2) { oss, client in
            let id = try await client.initiateMultipartUpload(bucket: oss.bucket, key: "p", options: ObjectOptions())
                .uploadID
            for n in 1...5 {
                _ = try await client.uploadPart(
                    bucket: oss.bucket,
                    key: "p",
                    uploadID: id,
                    partNumber: n,
                    body: .bytes(Array(repeating: UInt8(n), count: 100 + n))
                )
            }
            let parts = try await client.listParts(bucket: oss.bucket, key: "p", uploadID: id)
            #expect(parts.map(\.partNumber) == [1, 2, 3, 4, 5])
            #expect(parts.map(\.size) == [101, 102, 103, 104, 105])
            #expect(oss.log.all.filter { $0.operation == .listParts }.count == 3)
        }
    }

    @Test func setInitiatedBackdatesAnOpenUploadInTheListing() async throws {
        try await Self.limited(1000) { oss, client in
            let id = try await client.initiateMultipartUpload(bucket: oss.bucket, key: "old", options: ObjectOptions())
                .uploadID
            let then = Date(timeIntervalSince1970: 1_700_000_000)
            #expect(oss.server.setInitiated(then, ofUpload: id))
            #expect(!oss.server.setInitiated(then, ofUpload: "NOSUCHUPLOAD"))
            let listed = try await client.listMultipartUploads(bucket: oss.bucket, prefix: "old")
            #expect(listed.map(\.initiated) == ["2023-11-14T22:13:20.000Z"])
        }
    }
}
