import Digests
import Foundation
import TestSupport
import Testing

/// The multipart operations and OSS's rules, over real HTTP (anonymous server).
@Suite struct MultipartTests {
    static let partSize = 102_400

    static func initiate(_ oss: LocalOSSFixture, _ key: String, headers: [String: String] = [:]) async throws -> String
    {
        let reply = try await TestHTTP.send("POST", oss.url(forKey: key, query: "uploads"), headers: headers)
        #expect(reply.status == 200)
        return try #require(reply.xml("UploadId"))
    }

    static func upload(
        _ oss: LocalOSSFixture,
        _ key: String,
        _ id: String,
        _ n: Int,
        _ data: Data
    ) async throws -> TestReply {
        try await TestHTTP.send("PUT", oss.url(forKey: key, query: "partNumber=\(n)&uploadId=\(id)"), body: data)
    }

    static func completeXML(_ parts: [(Int, String)]) -> Data {
        Data(
            ("<CompleteMultipartUpload>"
                + parts.map { "<Part><PartNumber>\($0.0)</PartNumber><ETag>\($0.1)</ETag></Part>" }.joined()
                + "</CompleteMultipartUpload>").utf8
        )
    }

    static func complete(
        _ oss: LocalOSSFixture,
        _ key: String,
        _ id: String,
        _ parts: [(Int, String)]
    ) async throws -> TestReply {
        let body = completeXML(parts)
        return try await TestHTTP.send(
            "POST",
            oss.url(forKey: key, query: "uploadId=\(id)"),
            headers: ["Content-MD5": MD5.hash(body).base64String],
            body: body
        )
    }

    @Test func completedObjectHasOSSStyleETagCombinedCRCAndExactBytes() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let key = "mp/obj.bin"
            let id = try await Self.initiate(oss, key, headers: ["Content-Type": "video/mp4", "x-oss-meta-src": "nas"])
            let chunks = [
                TestHTTP.bytes(Self.partSize, seed: 1), TestHTTP.bytes(Self.partSize + 5, seed: 2),
                TestHTTP.bytes(999, seed: 3),
            ]
            var etags: [(Int, String)] = []
            for (i, chunk) in chunks.enumerated() {
                let r = try await Self.upload(oss, key, id, i + 1, chunk)
                #expect(r.status == 200)
                #expect(r.header("x-oss-hash-crc64ecma") == "\(CRC64.checksum(chunk))")
                etags.append((i + 1, try #require(r.header("ETag"))))
            }
            let done = try await Self.complete(oss, key, id, etags)
            #expect(done.status == 200)
            let whole = chunks.reduce(Data(), +)
            // The ETag is computed here from the bytes, independently of the server's bookkeeping.
            let expectedETag = "\"" + MD5.hash(chunks.flatMap { MD5.hash($0) }).hexString.uppercased() + "-3\""
            #expect(done.header("x-oss-hash-crc64ecma") == "\(CRC64.checksum(whole))")
            #expect(done.xml("ETag")?.replacingOccurrences(of: "&quot;", with: "\"") == expectedETag)
            let head = try await TestHTTP.send("HEAD", oss.url(forKey: key))
            #expect(head.header("ETag") == expectedETag)
            #expect(head.header("Content-Length") == "\(whole.count)")
            #expect(head.header("x-oss-hash-crc64ecma") == "\(CRC64.checksum(whole))")
            #expect(head.header("Content-Type") == "video/mp4")
            #expect(head.header("x-oss-meta-src") == "nas")
            #expect(try await TestHTTP.send("GET", oss.url(forKey: key)).body == whole)
            // The upload is finished: its id is gone.
            #expect(
                try await TestHTTP.send("GET", oss.url(forKey: key, query: "uploadId=\(id)")).xml("Code")
                    == "NoSuchUpload"
            )
        }
    }

    @Test func nonLastPartUnder100KiBIsEntityTooSmall() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let id = try await Self.initiate(oss, "small")
            let a = try await Self.upload(oss, "small", id, 1, TestHTTP.bytes(Self.partSize - 1))
            let b = try await Self.upload(oss, "small", id, 2, TestHTTP.bytes(10))
            let done = try await Self.complete(oss, "small", id, [(1, a.header("ETag")!), (2, b.header("ETag")!)])
            #expect(done.status == 400)
            #expect(done.xml("Code") == "EntityTooSmall")
            // A single small part is fine: it is the last one.
            let only = try await Self.complete(oss, "small", id, [(2, b.header("ETag")!)])
            #expect(only.status == 200)
        }
    }

    @Test func unknownPartOrWrongETagIsInvalidPart() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let id = try await Self.initiate(oss, "k")
            let a = try await Self.upload(oss, "k", id, 1, TestHTTP.bytes(Self.partSize))
            let missing = try await Self.complete(oss, "k", id, [(1, a.header("ETag")!), (2, "\"ABC\"")])
            #expect(missing.xml("Code") == "InvalidPart")
            let wrongTag = try await Self.complete(oss, "k", id, [(1, "\"0123456789ABCDEF0123456789ABCDEF\"")])
            #expect(wrongTag.status == 400)
            #expect(wrongTag.xml("Code") == "InvalidPart")
        }
    }

    @Test func descendingPartListIsInvalidPartOrder() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let id = try await Self.initiate(oss, "k")
            let a = try await Self.upload(oss, "k", id, 1, TestHTTP.bytes(Self.partSize))
            let b = try await Self.upload(oss, "k", id, 2, TestHTTP.bytes(Self.partSize))
            let done = try await Self.complete(oss, "k", id, [(2, b.header("ETag")!), (1, a.header("ETag")!)])
            #expect(done.status == 400)
            #expect(done.xml("Code") == "InvalidPartOrder")
        }
    }

    @Test func unknownUploadIDIsNoSuchUploadForEveryOperation() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let part = try await Self.upload(oss, "k", "NOPE", 1, Data("x".utf8))
            #expect(part.status == 404)
            #expect(part.xml("Code") == "NoSuchUpload")
            #expect(try await Self.complete(oss, "k", "NOPE", [(1, "\"A\"")]).xml("Code") == "NoSuchUpload")
            #expect(
                try await TestHTTP.send("GET", oss.url(forKey: "k", query: "uploadId=NOPE")).xml("Code")
                    == "NoSuchUpload"
            )
            #expect(try await TestHTTP.send("DELETE", oss.url(forKey: "k", query: "uploadId=NOPE")).status == 404)
            // An upload id used with another key is unknown too.
            let id = try await Self.initiate(oss, "real")
            #expect(try await Self.upload(oss, "other", id, 1, Data("x".utf8)).xml("Code") == "NoSuchUpload")
        }
    }

    @Test func partNumbersOutside1To10000AreInvalidArgument() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let id = try await Self.initiate(oss, "k")
            #expect(try await Self.upload(oss, "k", id, 0, Data("x".utf8)).xml("Code") == "InvalidArgument")
            #expect(try await Self.upload(oss, "k", id, 10_001, Data("x".utf8)).xml("Code") == "InvalidArgument")
            #expect(try await Self.upload(oss, "k", id, 10_000, Data("x".utf8)).status == 200)
        }
    }

    @Test func completeAllHeaderJoinsEveryPartInOrder() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let id = try await Self.initiate(oss, "all")
            let p2 = TestHTTP.bytes(50, seed: 9)
            let p1 = TestHTTP.bytes(Self.partSize, seed: 8)
            _ = try await Self.upload(oss, "all", id, 2, p2)
            _ = try await Self.upload(oss, "all", id, 1, p1)
            let done = try await TestHTTP.send(
                "POST",
                oss.url(forKey: "all", query: "uploadId=\(id)"),
                headers: ["x-oss-complete-all": "yes"]
            )
            #expect(done.status == 200)
            #expect(try await TestHTTP.send("GET", oss.url(forKey: "all")).body == p1 + p2)
        }
    }

    @Test func completeBodyWithNumericCharacterReferencesIsDecodedLikeOSS() async throws {
        // Go clients (rclone's AWS SDK) write the quotes around ETags as `&#34;`.
        try await LocalOSSFixture.anonymous { oss in
            let id = try await Self.initiate(oss, "go")
            let part = try await Self.upload(oss, "go", id, 1, Data("go client".utf8))
            let etag = try #require(part.header("ETag")).replacingOccurrences(of: "\"", with: "&#34;")
            let done = try await Self.complete(oss, "go", id, [(1, etag)])
            #expect(done.status == 200)
            #expect(try await TestHTTP.send("GET", oss.url(forKey: "go")).body == Data("go client".utf8))
        }
    }

    @Test func reuploadingAPartNumberReplacesIt() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let id = try await Self.initiate(oss, "re")
            _ = try await Self.upload(oss, "re", id, 1, Data("first".utf8))
            let second = try await Self.upload(oss, "re", id, 1, Data("second".utf8))
            _ = try await Self.complete(oss, "re", id, [(1, second.header("ETag")!)])
            #expect(try await TestHTTP.send("GET", oss.url(forKey: "re")).text == "second")
        }
    }

    @Test func listPartsPagesWithMaxPartsAndMarkerAndReportsCRC() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let id = try await Self.initiate(oss, "lp")
            var crcs: [Int: UInt64] = [:]
            for n in 1...5 {
                let data = TestHTTP.bytes(100 + n, seed: UInt64(n))
                crcs[n] = CRC64.checksum(data)
                _ = try await Self.upload(oss, "lp", id, n, data)
            }
            var marker = 0
            var seen: [Int] = []
            var pages = 0
            while true {
                let page = try await TestHTTP.send(
                    "GET",
                    oss.url(forKey: "lp", query: "uploadId=\(id)&max-parts=2&part-number-marker=\(marker)")
                )
                pages += 1
                for part in page.xmlAll("Part") {
                    let n = Int(TestReply(status: 0, headers: [:], body: Data(part.utf8)).xml("PartNumber")!)!
                    let crc = TestReply(status: 0, headers: [:], body: Data(part.utf8)).xml("HashCrc64ecma")
                    #expect(crc == "\(crcs[n]!)")
                    #expect(TestReply(status: 0, headers: [:], body: Data(part.utf8)).xml("Size") == "\(100 + n)")
                    seen.append(n)
                }
                guard page.xml("IsTruncated") == "true" else { break }
                marker = Int(page.xml("NextPartNumberMarker")!)!
            }
            #expect(seen == [1, 2, 3, 4, 5])
            #expect(pages == 3)
        }
    }

    @Test func abortDeletesThePartsAndTheUpload() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let id = try await Self.initiate(oss, "ab")
            _ = try await Self.upload(oss, "ab", id, 1, TestHTTP.bytes(1000))
            #expect(try await TestHTTP.send("DELETE", oss.url(forKey: "ab", query: "uploadId=\(id)")).status == 204)
            #expect(
                try await TestHTTP.send("GET", oss.url(forKey: "ab", query: "uploadId=\(id)")).xml("Code")
                    == "NoSuchUpload"
            )
            let files = try FileManager.default.subpathsOfDirectory(atPath: oss.directory.path)
            #expect(!files.contains { $0.hasSuffix(".part") })
        }
    }

    @Test func listMultipartUploadsShowsOpenUploadsByPrefix() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let a = try await Self.initiate(oss, "logs/a")
            let b = try await Self.initiate(oss, "logs/b")
            _ = try await Self.initiate(oss, "other/c")
            let list = try await TestHTTP.send(
                "GET",
                URL(string: "\(oss.endpoint.absoluteString)/\(oss.bucket)/?uploads&prefix=logs/")!
            )
            #expect(list.status == 200)
            #expect(Set(list.xmlAll("UploadId")) == [a, b])
            #expect(list.xmlAll("Key") == ["logs/a", "logs/b"])
        }
    }

    @Test func forbidOverwriteOnCompleteIs409() async throws {
        try await LocalOSSFixture.anonymous { oss in
            _ = try await TestHTTP.send("PUT", oss.url(forKey: "taken"), body: Data("x".utf8))
            let id = try await Self.initiate(oss, "taken")
            let p = try await Self.upload(oss, "taken", id, 1, Data("y".utf8))
            let body = Self.completeXML([(1, p.header("ETag")!)])
            let done = try await TestHTTP.send(
                "POST",
                oss.url(forKey: "taken", query: "uploadId=\(id)"),
                headers: ["x-oss-forbid-overwrite": "true"],
                body: body
            )
            #expect(done.status == 409)
            #expect(done.xml("Code") == "FileAlreadyExists")
        }
    }
}
