import Digests
import Foundation
import LocalOSS
import TestSupport
import Testing

/// PutObject, HeadObject, GetObject, DeleteObject and the bucket/key errors, over real HTTP (anonymous server).
@Suite struct ObjectOperationTests {
    @Test func putThenHeadReturnsStoredMetadataETagAndCRC() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let body = TestHTTP.bytes(5000)
            let put = try await TestHTTP.send(
                "PUT",
                oss.url(forKey: "docs/a.txt"),
                headers: [
                    "Content-Type": "text/plain", "Cache-Control": "no-cache", "Content-Disposition": "attachment",
                    "Content-Encoding": "identity", "x-oss-meta-owner": "etl", "x-oss-object-acl": "private",
                    "x-oss-storage-class": "IA", "x-oss-tagging": "a=1&b=2",
                ],
                body: body
            )
            #expect(put.status == 200)
            let md5Hex = MD5.hash(body).hexString.uppercased()
            #expect(put.header("ETag") == "\"\(md5Hex)\"")
            #expect(put.header("x-oss-hash-crc64ecma") == "\(CRC64.checksum(body))")

            let head = try await TestHTTP.send("HEAD", oss.url(forKey: "docs/a.txt"))
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "5000")
            #expect(head.header("ETag") == "\"\(md5Hex)\"")
            #expect(head.header("x-oss-hash-crc64ecma") == "\(CRC64.checksum(body))")
            #expect(head.header("Content-Type") == "text/plain")
            #expect(head.header("Cache-Control") == "no-cache")
            #expect(head.header("Content-Disposition") == "attachment")
            #expect(head.header("Content-Encoding") == "identity")
            #expect(head.header("x-oss-meta-owner") == "etl")
            #expect(head.header("x-oss-object-acl") == "private")
            #expect(head.header("x-oss-storage-class") == "IA")
            #expect(head.header("x-oss-tagging") == "a=1&b=2")
            #expect(head.header("x-oss-request-id")?.isEmpty == false)
        }
    }

    @Test func keepsS3StyleUserMetadataAsSentForS3Clients() async throws {
        // rclone and other S3 clients keep a file's modification time as x-amz-meta-mtime (OSS's S3-compatible
        // API stores it); without it they upload every unchanged file again.
        try await LocalOSSFixture.anonymous { oss in
            let put = try await TestHTTP.send(
                "PUT",
                oss.url(forKey: "s3/a.txt"),
                headers: ["X-Amz-Meta-Mtime": "1764745200.5", "x-amz-acl": "private"],
                body: Data("a".utf8)
            )
            #expect(put.status == 200)
            let head = try await TestHTTP.send("HEAD", oss.url(forKey: "s3/a.txt"))
            #expect(head.header("x-amz-meta-mtime") == "1764745200.5")
            #expect(head.header("x-amz-acl") == nil)
        }
    }

    @Test func getReturnsTheExactBytesStreamedFromDisk() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let body = TestHTTP.bytes(3 * 1024 * 1024 + 17, seed: 7)
            _ = try await TestHTTP.send("PUT", oss.url(forKey: "big.bin"), body: body)
            let get = try await TestHTTP.send("GET", oss.url(forKey: "big.bin"))
            #expect(get.status == 200)
            #expect(get.body == body)
            // Stored on disk, not only in memory.
            let files = try FileManager.default.subpathsOfDirectory(atPath: oss.directory.path)
            #expect(files.contains { $0.hasSuffix(".data") })
        }
    }

    /// A GET answers one version of its key whole, whatever PutObjects and DeleteObjects of the key come while
    /// it is answered: its body is as long as its Content-Length and has the bytes its ETag names, or it is
    /// 404. (Its data was opened by path after its metadata was read: a PUT in between sent the new bytes under
    /// the old length, and the extra bytes were read by a keep-alive client as its next answer.) Python's
    /// http.client is the client: keep-alive connections, the ETag checked by hashlib's MD5.
    @Test func getsRacingPutsAndDeletesOfTheirKeyEachAnswerOneVersionWhole() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let result = try await TestHTTP.runProcess(
                "/usr/bin/env",
                ["python3", "-c", Self.racingClients, "\(oss.port)", oss.bucket]
            )
            #expect(result.status == 0, "\(result.stderr)")
            let answer = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                "\(result.stdout) \(result.stderr)"
            )
            #expect((answer["whole"] as? Int ?? 0) >= 60, "\(answer)")
            #expect((answer["bad"] as? [Any])?.isEmpty == true, "\(answer)")
        }
    }

    /// Two writers PUT 4 MiB and 256 KiB versions of one key in turn (one of them DELETEs it now and then), three
    /// readers GET it 60 times each over keep-alive connections; prints how many answers were whole, how many
    /// 404, and the bad ones.
    static let racingClients = """
        import hashlib, http.client, json, os, sys, threading
        port, bucket = int(sys.argv[1]), sys.argv[2]
        path = "/" + bucket + "/race.bin"
        versions = [os.urandom(4 << 20), os.urandom(256 << 10)]
        def connect(): return http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        def send(c, method, body=None):
            c.request(method, path, body=body); r = c.getresponse(); return r, r.read()
        send(connect(), "PUT", versions[0])
        done = threading.Event(); whole = [0]; missing = [0]; bad = []
        def writer(w):
            c, i = connect(), 0
            while not done.is_set():
                send(c, "DELETE" if w == 1 and i % 7 == 3 else "PUT", None if w == 1 and i % 7 == 3 else versions[i % 2])
                i += 1
        def reader():
            c = connect()
            for _ in range(60):
                try:
                    r, body = send(c, "GET")
                    if r.status == 404: missing[0] += 1; continue
                    etag = '"' + hashlib.md5(body).hexdigest().upper() + '"'
                    if r.status != 200 or len(body) != int(r.getheader("Content-Length")) or etag != r.getheader("ETag"):
                        bad.append([r.status, r.getheader("Content-Length"), len(body)])
                    else: whole[0] += 1
                except Exception as e:
                    bad.append(repr(e)[:120]); c.close(); c = connect()
        writers = [threading.Thread(target=writer, args=(w,)) for w in range(2)]
        readers = [threading.Thread(target=reader) for _ in range(3)]
        for t in writers + readers: t.start()
        for t in readers: t.join()
        done.set()
        for t in writers: t.join()
        print(json.dumps({"whole": whole[0], "missing": missing[0], "bad": bad[:10]}))
        """

    @Test func percentEncodedSlashAddressesTheSameKey() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let url = URL(string: "\(oss.endpoint.absoluteString)/\(oss.bucket)/photos%2F2026%2Fcat%20%C3%BC.jpg")!
            #expect(try await TestHTTP.send("PUT", url, body: Data("meow".utf8)).status == 200)
            let get = try await TestHTTP.send("GET", oss.url(forKey: "photos/2026/cat ü.jpg"))
            #expect(get.text == "meow")
            #expect(oss.log.all.first?.key == "photos/2026/cat ü.jpg")
        }
    }

    @Test func virtualHostStyleUsesTheBucketFromHost() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let url = URL(string: "\(oss.endpoint.absoluteString)/vh/key.txt")!
            let put = try await TestHTTP.send(
                "PUT",
                url,
                headers: ["Host": "\(oss.bucket).oss-cn-hangzhou.aliyuncs.com"],
                body: Data("v".utf8)
            )
            #expect(put.status == 200)
            #expect(try await TestHTTP.send("HEAD", oss.url(forKey: "vh/key.txt")).status == 200)
        }
    }

    @Test func deleteRemovesTheObjectAndHeadThen404sWithoutBody() async throws {
        try await LocalOSSFixture.anonymous { oss in
            _ = try await TestHTTP.send("PUT", oss.url(forKey: "gone"), body: Data("x".utf8))
            #expect(try await TestHTTP.send("DELETE", oss.url(forKey: "gone")).status == 204)
            let head = try await TestHTTP.send("HEAD", oss.url(forKey: "gone"))
            #expect(head.status == 404)
            #expect(head.header("Content-Length") == "0")
            #expect(head.header("x-oss-ec") != nil)
            let get = try await TestHTTP.send("GET", oss.url(forKey: "gone"))
            #expect(get.xml("Code") == "NoSuchKey")
            #expect(get.xml("RequestId") == get.header("x-oss-request-id"))
        }
    }

    @Test func anyUnconfiguredBucketIsNoSuchBucket() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let reply = try await TestHTTP.send(
                "PUT",
                URL(string: "\(oss.endpoint.absoluteString)/other-bucket/k")!,
                body: Data("x".utf8)
            )
            #expect(reply.status == 404)
            #expect(reply.xml("Code") == "NoSuchBucket")
            #expect(reply.xml("EC") == reply.header("x-oss-ec"))
            #expect(reply.xml("HostId") != nil)
        }
    }

    @Test func forbidOverwriteRefusesAnExistingKeyWith409() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let h = ["x-oss-forbid-overwrite": "true"]
            #expect(
                try await TestHTTP.send("PUT", oss.url(forKey: "once"), headers: h, body: Data("1".utf8)).status == 200
            )
            let again = try await TestHTTP.send("PUT", oss.url(forKey: "once"), headers: h, body: Data("2".utf8))
            #expect(again.status == 409)
            #expect(again.xml("Code") == "FileAlreadyExists")
            #expect(try await TestHTTP.send("GET", oss.url(forKey: "once")).text == "1")
            // Without the header an overwrite is allowed.
            #expect(try await TestHTTP.send("PUT", oss.url(forKey: "once"), body: Data("3".utf8)).status == 200)
        }
    }

    @Test func contentMD5MismatchIsInvalidDigestAndStoresNothing() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let wrong = MD5.hash(Array("other".utf8)).base64String
            let reply = try await TestHTTP.send(
                "PUT",
                oss.url(forKey: "md5"),
                headers: ["Content-MD5": wrong],
                body: Data("data".utf8)
            )
            #expect(reply.status == 400)
            #expect(reply.xml("Code") == "InvalidDigest")
            #expect(try await TestHTTP.send("HEAD", oss.url(forKey: "md5")).status == 404)
            let right = MD5.hash(Array("data".utf8)).base64String
            #expect(
                try await TestHTTP.send(
                    "PUT",
                    oss.url(forKey: "md5"),
                    headers: ["Content-MD5": right],
                    body: Data("data".utf8)
                ).status == 200
            )
        }
    }

    @Test func everyResponseHasAUniqueRequestID() async throws {
        try await LocalOSSFixture.anonymous { oss in
            var ids = Set<String>()
            for i in 0..<20 {
                let r = try await TestHTTP.send("HEAD", oss.url(forKey: "k\(i)"))
                ids.insert(r.header("x-oss-request-id") ?? "")
            }
            #expect(ids.count == 20)
            #expect(!ids.contains(""))
        }
    }

    @Test func discardModeKeepsSizesAndHashesButNoData() async throws {
        try await LocalOSSFixture.anonymous(discard: true) { oss in
            let body = TestHTTP.bytes(200_000, seed: 3)
            let put = try await TestHTTP.send("PUT", oss.url(forKey: "d.bin"), body: body)
            #expect(put.header("x-oss-hash-crc64ecma") == "\(CRC64.checksum(body))")
            let head = try await TestHTTP.send("HEAD", oss.url(forKey: "d.bin"))
            #expect(head.header("Content-Length") == "200000")
            #expect(head.header("ETag") == "\"\(MD5.hash(body).hexString.uppercased())\"")
            let files = try FileManager.default.subpathsOfDirectory(atPath: oss.directory.path)
            #expect(!files.contains { $0.hasSuffix(".data") })
        }
    }

    @Test func aRestartedServerKeepsItsObjectsAndRemovesTemporaryBodiesLeftBehind() async throws {
        let dir = try TemporaryDirectory("localoss-restart")
        defer { dir.remove() }
        let config = LocalOSSConfiguration(dataDirectory: dir.url, buckets: ["b"])
        let first = try LocalOSSServer(configuration: config)
        let port1 = try await first.start()
        _ = try await TestHTTP.send(
            "PUT",
            URL(string: "http://127.0.0.1:\(port1)/b/kept")!,
            body: Data("still here".utf8)
        )
        await first.stop()
        // What a server killed mid-request leaves: a body it was receiving. The next one removes it.
        let orphan = dir.url.appendingPathComponent("tmp").appendingPathComponent("killed-mid-body")
        try Data(count: 4096).write(to: orphan)
        let second = try LocalOSSServer(configuration: config)
        let port2 = try await second.start()
        let text = try? await TestHTTP.send("GET", URL(string: "http://127.0.0.1:\(port2)/b/kept")!).text
        await second.stop()
        #expect(text == "still here")
        #expect(!FileManager.default.fileExists(atPath: orphan.path), "a killed server's temporary body stays")
    }
}
